using System.Net.Sockets;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>
/// A TCP proxy in front of one ZooKeeper server that can go silent the way a server does while it starts: new
/// connections are accepted and what the client sends is read, but nothing ever comes back.
/// </summary>
internal sealed class SilentServerProxy(string upstream) : LoopbackProxy(upstream)
{
    private readonly List<Socket> _open = [];
    private volatile bool _silent;
    private int _unanswered;

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

    protected override Task HandleAsync(Socket client)
    {
        lock (_open)
        {
            _open.Add(client);
        }

        return _silent ? SwallowAsync(client) : RelayAsync(client);
    }

    private async Task SwallowAsync(Socket client)
    {
        Interlocked.Increment(ref _unanswered);
        var buffer = new byte[4096];
        try
        {
            while (await client.ReceiveAsync(buffer, Stopping) > 0)
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
            await server.ConnectAsync(Upstream, Stopping);
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
            while ((read = await from.ReceiveAsync(buffer, Stopping)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), Stopping);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        to.Close();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        CutAndGoSilent();
    }
}
