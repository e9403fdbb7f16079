using System.Net;
using System.Net.Sockets;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>
/// A TCP proxy in front of one ZooKeeper server that can go silent the way a server does while it starts: new
/// connections are accepted and what the client sends is read, but nothing ever comes back.
/// </summary>
internal sealed class SilentServerProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Task _accepting;
    private volatile bool _silent;
    private int _unanswered;

    public SilentServerProxy(string upstream)
    {
        var parts = upstream.Split(':');
        _upstream = new IPEndPoint(IPAddress.Parse(parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>How many connections were accepted and left unanswered.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    /// <summary>Cuts every open connection; until <see cref="Answer"/>, new ones get no answer.</summary>
    public void CutAndGoSilent()
    {
        _silent = true;
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Close();
            }

            _open.Clear();
        }
    }

    public void Answer() => _silent = false;

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

            lock (_open)
            {
                _open.Add(client);
            }

            _ = Task.Run(() => _silent ? SwallowAsync(client) : RelayAsync(client));
        }
    }

    private async Task SwallowAsync(Socket client)
    {
        Interlocked.Increment(ref _unanswered);
        var buffer = new byte[4096];
        try
        {
            while (await client.ReceiveAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_upstream, _stop.Token);
            lock (_open)
            {
                _open.Add(server);
            }

            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Close();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        to.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        CutAndGoSilent();
        _stop.Dispose();
    }
}
