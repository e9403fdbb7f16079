namespace ClusterDashboard.ZooKeeper;

/// <summary>A znode's children (bare names, in no particular order) and the parent's metadata.</summary>
public sealed record ChildrenResult(IReadOnlyList<string> Children, Stat Stat);
