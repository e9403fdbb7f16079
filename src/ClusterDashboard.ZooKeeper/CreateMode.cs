namespace ClusterDashboard.ZooKeeper;

/// <summary>How a znode is created; the values are ZooKeeper's create flags.</summary>
public enum CreateMode
{
    Persistent = 0,

    /// <summary>Deleted when the creating session ends; cannot have children.</summary>
    Ephemeral = 1,
    PersistentSequential = 2,

    /// <summary>The usual choice for an election candidate: ordered, and gone with its session.</summary>
    EphemeralSequential = 3,

    /// <summary>Deleted by the server some time after its last child is removed.</summary>
    Container = 4,
    PersistentWithTtl = 5,
    PersistentSequentialWithTtl = 6,
}
