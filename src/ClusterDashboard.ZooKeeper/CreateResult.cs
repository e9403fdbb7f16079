namespace ClusterDashboard.ZooKeeper;

/// <summary>The znode that was created: its actual path (with any sequence suffix) and its metadata.</summary>
public sealed record CreateResult(string Path, Stat Stat);
