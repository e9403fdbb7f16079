namespace ClusterDashboard.ZooKeeper;

/// <summary>How a <see cref="ZooKeeperClient"/> connects.</summary>
public sealed class ZooKeeperClientOptions
{
    /// <summary>"host:port,host:port[/chroot]". Servers are tried in shuffled order.</summary>
    public required string ConnectString { get; init; }

    /// <summary>Requested session timeout; the server clamps it to its [min, max] and every timer uses the
    /// negotiated value.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame accepted from a server. The server itself may send a little over 1 MiB for a maximal
    /// znode, so the default leaves room above that.</summary>
    public int MaxFrameSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest request the client sends, counting its 8-byte header: the servers' jute.maxbuffer, 1,048,575
    /// bytes unless they were configured otherwise. A larger request fails at once with BadArguments instead of
    /// costing the connection.</summary>
    public int MaxRequestSize { get; init; } = 0xFFFFF;

    /// <summary>Digest credentials ("user:password") sent on every connection before anything else.</summary>
    public IReadOnlyList<string> DigestAuth { get; init; } = [];

    /// <summary>Shuffles the server list; tests can pin the order.</summary>
    public bool ShuffleServers { get; init; } = true;

    /// <summary>How the client opens its connections: plain TCP unless set. A caller can put something between the
    /// client and the servers here (TLS, a proxy, a simulated network) without the client knowing.</summary>
    public ZooKeeperDialer Dialer { get; init; } = ZooKeeperDialers.Tcp;

    /// <summary>Where the client's instruments (request duration by operation, reconnects, notifications) are made,
    /// meter "ClusterDashboard.ZooKeeper"; none without one.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }

    /// <summary>The name of the client's meter, to listen to it.</summary>
    public const string MeterName = ZooKeeperClientMetrics.MeterName;
}
