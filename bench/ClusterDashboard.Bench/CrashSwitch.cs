using System.Collections.Concurrent;
using System.Net.Sockets;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Bench;

/// <summary>A crash for one benchmark participant, as its process dying would be: its connections are reset and it
/// never connects again. Plain TCP until then, so the measured path carries no relay; the client knows nothing.</summary>
internal sealed class CrashSwitch
{
    private readonly ConcurrentBag<Socket> _sockets = [];
    private volatile bool _crashed;

    public ZooKeeperDialer Dialer => async (server, cancellationToken) =>
    {
        if (_crashed)
        {
            throw new SocketException((int)SocketError.ConnectionRefused);
        }

        var stream = (NetworkStream)await ZooKeeperDialers.Tcp(server, cancellationToken);
        _sockets.Add(stream.Socket);
        return stream;
    };

    public void Crash()
    {
        _crashed = true;
        foreach (var socket in _sockets)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
