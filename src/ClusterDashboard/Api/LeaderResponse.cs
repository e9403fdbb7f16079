namespace ClusterDashboard.Api;

/// <param name="Epoch">The leader's fencing token: the zxid of its candidate's creation, which strictly increases from
/// one leader to the next for the life of the ZooKeeper ensemble (even if the election parent is made again).</param>
/// <param name="Sequence">The leader candidate's sequence number: its readable place in the queue.</param>
/// <param name="Since">When the leader took over, as it recorded it; null for a moment right after it did.</param>
public sealed record LeaderResponse(string NodeId, string? Url, long Epoch, long Sequence, string Znode, DateTimeOffset? Since);
