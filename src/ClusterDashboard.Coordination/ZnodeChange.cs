namespace ClusterDashboard.Coordination;

/// <summary>A change to a znode below the watched cluster paths, in the order ZooKeeper applied it.</summary>
public sealed record ZnodeChange(string Path, ZnodeChangeKind Kind, DateTimeOffset At);
