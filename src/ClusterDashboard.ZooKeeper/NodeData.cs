namespace ClusterDashboard.ZooKeeper;

/// <summary>A znode's data and metadata. A znode created with null data reads as empty.</summary>
public sealed record NodeData(byte[] Data, Stat Stat);
