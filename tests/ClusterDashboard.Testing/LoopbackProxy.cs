using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ClusterDashboard.Testing;

/// <summary>
/// A TCP proxy on a free loopback port in front of one server ("host:port"), for tests that need the network to
/// misbehave in one precise way; a subclass decides what happens to each connection it accepts.
/// </summary>
public abstract class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    protected LoopbackProxy(string upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var parts = upstream.Split(':');
        Upstream = new IPEndPoint(IPAddress.Parse(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture));
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    protected IPEndPoint Upstream { get; }

    /// <summary>Cancelled when the proxy is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Serves one accepted connection; runs on its own task.</summary>
    protected abstract Task HandleAsync(Socket client);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
