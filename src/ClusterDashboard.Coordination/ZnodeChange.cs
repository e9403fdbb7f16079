namespace ClusterDashboard.Coordination;

/// <summary>A change to a znode, in the order ZooKeeper applied it; <see cref="Zxid"/> is the transaction that made it
/// (for a delete, the parent's latest child change).</summary>
public sealed record ZnodeChange(string Path, ZnodeChangeKind Kind, DateTimeOffset At, long Zxid = 0);
