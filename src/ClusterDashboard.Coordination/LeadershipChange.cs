namespace ClusterDashboard.Coordination;

/// <summary>A transition of the local participant. <see cref="Epoch"/> is set while it leads.</summary>
public sealed record LeadershipChange(LeadershipState State, long? Epoch, string? Znode, DateTimeOffset At);
