namespace ClusterDashboard.Coordination;

/// <summary>Everything one node needs to take part in the cluster.</summary>
public sealed record ClusterNodeOptions
{
    /// <summary>ZooKeeper servers, "host:port,host:port[/chroot]".</summary>
    public required string ConnectString { get; init; }

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public required string NodeId { get; init; }

    /// <summary>The URL other services use to reach this node; published in its member and candidate znodes.</summary>
    public required string AdvertisedUrl { get; init; }

    public string ElectionPath { get; init; } = "/election";

    public string MembersPath { get; init; } = "/members";

    /// <summary>Where the leader writes its fenced heartbeat.</summary>
    public string HeartbeatPath { get; init; } = "/leader-heartbeat";

    /// <summary>How often the leader writes its heartbeat; zero turns it off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    public LeadershipPolicy LeadershipPolicy { get; init; } = LeadershipPolicy.Standard;

    /// <summary>An observer follows the election and is a member, but never a candidate.</summary>
    public bool Observer { get; init; }

    /// <summary>The application version published in the member znode.</summary>
    public string Version { get; init; } = "0.0.0";
}
