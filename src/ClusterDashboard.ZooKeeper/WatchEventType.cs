namespace ClusterDashboard.ZooKeeper;

/// <summary>What a watch event reports; the values are ZooKeeper's event types.</summary>
public enum WatchEventType
{
    /// <summary>A change of the connection state, not of a znode.</summary>
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
    DataWatchRemoved = 5,
    ChildWatchRemoved = 6,
    PersistentWatchRemoved = 7,
}
