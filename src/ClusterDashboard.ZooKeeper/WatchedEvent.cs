namespace ClusterDashboard.ZooKeeper;

/// <summary>A watch firing. <see cref="Path"/> is relative to the chroot; null for state changes.</summary>
public sealed record WatchedEvent(WatchEventType Type, ConnectionState State, string? Path, long Zxid = -1);
