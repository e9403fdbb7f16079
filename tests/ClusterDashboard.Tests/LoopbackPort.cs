using System.Net;
using System.Net.Sockets;

namespace ClusterDashboard.Tests;

internal static class LoopbackPort
{
    /// <summary>A port the OS just handed out on 127.0.0.1, so parallel tests do not collide.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
