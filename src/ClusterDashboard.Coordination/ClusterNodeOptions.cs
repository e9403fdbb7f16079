namespace ClusterDashboard.Coordination;

/// <summary>Everything one node needs to take part in the cluster.</summary>
public sealed class ClusterNodeOptions
{
    /// <summary>ZooKeeper servers, "host:port,host:port[/chroot]".</summary>
    public required string ConnectString { get; init; }

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public required string NodeId { get; init; }

    /// <summary>The URL other services use to reach this node; published in its member and candidate znodes.</summary>
    public required string AdvertisedUrl { get; init; }

    public string ElectionPath { get; init; } = "/election";

    public string MembersPath { get; init; } = "/members";

    /// <summary>The application version published in the member znode.</summary>
    public string Version { get; init; } = "0.0.0";
}
