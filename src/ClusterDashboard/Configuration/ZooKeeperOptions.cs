namespace ClusterDashboard.Configuration;

/// <summary>The "ZooKeeper" configuration section.</summary>
public sealed class ZooKeeperOptions
{
    public const string Section = "ZooKeeper";

    /// <summary>"host:port[,host:port][/chroot]".</summary>
    public string ConnectString { get; set; } = string.Empty;

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
