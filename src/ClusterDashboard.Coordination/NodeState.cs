using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Coordination;

/// <summary>What a node is, as it publishes itself and as every view shows it: its part in the election, or the
/// fault it lives through. One type for the status it writes, its member znode, the API and the page.</summary>
public enum NodeState
{
    Idle,
    Joining,
    Follower,
    Leader,
    Suspended,
    Lost,
    Left,
    Observer,

    /// <summary>Living through a crash: its process is (as if) dead.</summary>
    Crashed,

    /// <summary>Living through a partition, both ways or one way.</summary>
    Partitioned,

    /// <summary>Living through a stop-the-world pause.</summary>
    Paused,

    /// <summary>Living through added latency.</summary>
    Slowed,

    /// <summary>Its status is there but its member znode is gone: the process died for real, or left.</summary>
    Down,
}

public static class NodeStates
{
    public static NodeState Of(LeadershipState state) => state switch
    {
        LeadershipState.Idle => NodeState.Idle,
        LeadershipState.Joining => NodeState.Joining,
        LeadershipState.Follower => NodeState.Follower,
        LeadershipState.Leader => NodeState.Leader,
        LeadershipState.Suspended => NodeState.Suspended,
        LeadershipState.Lost => NodeState.Lost,
        LeadershipState.Left => NodeState.Left,
        _ => NodeState.Observer,
    };

    /// <summary>The state a fault puts a node in.</summary>
    public static NodeState Of(FaultKind kind) => kind switch
    {
        FaultKind.Crash => NodeState.Crashed,
        FaultKind.Partition or FaultKind.PartitionOneWay => NodeState.Partitioned,
        FaultKind.Pause => NodeState.Paused,
        FaultKind.Latency => NodeState.Slowed,
        _ => NodeState.Left,
    };

    /// <summary>Whether the state is a fault's, so the node can be ordered to recover.</summary>
    public static bool IsFault(this NodeState state) => state is NodeState.Crashed or NodeState.Partitioned or NodeState.Paused or NodeState.Slowed or NodeState.Left;

    /// <summary>The word for it on the wire and the page: "leader", "partitioned".</summary>
    public static string Name(this NodeState state) => state.ToString().ToLowerInvariant();
}
