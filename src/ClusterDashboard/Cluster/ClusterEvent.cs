using ClusterDashboard.Coordination;

namespace ClusterDashboard.Cluster;

/// <summary>Something the dashboard shows happening, in the order this node saw it.</summary>
public abstract record ClusterEvent(DateTimeOffset At);

/// <summary>The view changed. <see cref="MembershipChanged"/> is false when only the leader's heartbeat moved.</summary>
public sealed record SnapshotEvent(ClusterSnapshot Snapshot, bool MembershipChanged) : ClusterEvent(Snapshot.ObservedAt);

/// <summary>The leader changed: a different candidate znode leads now, or none does.</summary>
public sealed record LeaderChangedEvent(LeaderInfo? Previous, LeaderInfo? Current, DateTimeOffset At) : ClusterEvent(At);

public sealed record ZnodeEvent(ZnodeChange Change) : ClusterEvent(Change.At);

/// <summary>This node's own participant changed state.</summary>
public sealed record LocalStateEvent(string NodeId, LeadershipChange Change) : ClusterEvent(Change.At);
