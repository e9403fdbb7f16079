using System.Net;
using System.Net.Sockets;

namespace ClusterDashboard.ZooKeeper;

/// <summary>Opens the byte stream a session's connection runs on, to one server of the connect string. Disposing the
/// stream must end the connection and fail its pending reads and writes.</summary>
public delegate ValueTask<Stream> ZooKeeperDialer(DnsEndPoint server, CancellationToken cancellationToken);

/// <summary>The dialers the client comes with.</summary>
public static class ZooKeeperDialers
{
    /// <summary>Plain TCP, with Nagle off: requests and pings are small and must not wait for each other.</summary>
    public static ZooKeeperDialer Tcp { get; } = async (server, cancellationToken) =>
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
