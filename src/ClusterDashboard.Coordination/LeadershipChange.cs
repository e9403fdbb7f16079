namespace ClusterDashboard.Coordination;

/// <summary>A transition of the local participant. <see cref="Epoch"/> is set while it leads.</summary>
public sealed record LeadershipChange(LeadershipState State, long? Epoch, string? Znode, DateTimeOffset At)
{
    /// <summary>When it took effect on the participant's monotonic clock (<see cref="TimeProvider.GetTimestamp"/>): a
    /// lease that ran out took effect when it ran out, however late its timer announced it, since from then on
    /// <see cref="LeaderElection.State"/> said so.</summary>
    public long Timestamp { get; init; }
}
