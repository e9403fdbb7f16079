namespace ClusterDashboard.Coordination;

/// <summary>The current leader. <see cref="Epoch"/> is its candidate's sequence number, a fencing token that
/// strictly increases from one leader to the next.</summary>
public sealed record LeaderInfo(string NodeId, string? Url, long Epoch, string Znode, DateTimeOffset? Since);
