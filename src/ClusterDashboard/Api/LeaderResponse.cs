namespace ClusterDashboard.Api;

/// <param name="Epoch">The leader candidate's sequence number: a fencing token that strictly increases from one
/// leader to the next.</param>
/// <param name="Since">When the leader took over, as it recorded it; null for a moment right after it did.</param>
public sealed record LeaderResponse(string NodeId, string? Url, long Epoch, string Znode, DateTimeOffset? Since);
