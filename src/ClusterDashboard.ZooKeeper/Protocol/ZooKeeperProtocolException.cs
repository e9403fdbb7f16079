namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>The server sent bytes that do not parse as the protocol says. The connection that carried them is
/// closed; the client itself carries on.</summary>
public sealed class ZooKeeperProtocolException : Exception
{
    public ZooKeeperProtocolException(string message)
        : base(message)
    {
    }

    public ZooKeeperProtocolException()
    {
    }

    public ZooKeeperProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
