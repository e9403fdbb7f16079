namespace ClusterDashboard.Configuration;

/// <summary>The "ZooKeeper" configuration section.</summary>
public sealed class ZooKeeperOptions
{
    public const string Section = "ZooKeeper";

    /// <summary>"host:port[,host:port][/chroot]".</summary>
    public string ConnectString { get; set; } = string.Empty;

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>"digest:user:password": every session authenticates with it and every znode the cluster creates is
    /// writable by that identity alone. A secret: never logged, never shown.</summary>
    public string? Auth { get; set; }

    /// <summary>TLS to the servers' secureClientPort ("ZooKeeper:Tls").</summary>
    public ZooKeeperTlsSettings Tls { get; set; } = new();

    public override string ToString() => $"ConnectString={ConnectString}, SessionTimeout={SessionTimeout}, Auth={(string.IsNullOrEmpty(Auth) ? "(none)" : "***")}, Tls=({Tls})";
}
