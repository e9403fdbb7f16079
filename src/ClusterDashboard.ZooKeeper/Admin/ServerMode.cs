namespace ClusterDashboard.ZooKeeper.Admin;

/// <summary>A server's role, from the Mode line of srvr.</summary>
public enum ServerMode
{
    Unknown,

    /// <summary>Up, but not part of a quorum: serves no client.</summary>
    NotServing,
    Standalone,
    Leader,
    Follower,
    Observer,
    ReadOnly,
}
