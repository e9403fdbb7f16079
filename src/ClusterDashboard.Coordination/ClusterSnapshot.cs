namespace ClusterDashboard.Coordination;

/// <summary>
/// What one node currently sees of the cluster: the election queue, the leader it implies and the registered
/// members. Snapshots are immutable so the UI and the hub can share one without copying.
/// </summary>
public sealed record ClusterSnapshot(
    LeaderInfo? Leader,
    IReadOnlyList<CandidateInfo> Candidates,
    IReadOnlyList<MemberInfo> Members,
    long Zxid,
    DateTimeOffset ObservedAt)
{
    /// <summary>The leader's last fenced heartbeat, if any was written.</summary>
    public HeartbeatInfo? Heartbeat { get; init; }

    /// <summary>What each node believes of itself, as it published it (<see cref="NodeStatus.Believes"/>).</summary>
    public IReadOnlyList<NodeBelief> Beliefs { get; init; } = [];

    /// <summary>Children of the election parent that are not candidates (<see cref="CandidateQueue"/>), with why.</summary>
    public IReadOnlyList<ForeignZnode> Foreign { get; init; } = [];

    public static ClusterSnapshot Empty(DateTimeOffset at) => new(null, [], [], 0, at);
}
