namespace ClusterDashboard.ZooKeeper;

/// <summary>Persistent watch modes: unlike one-shot watches they stay until removed.</summary>
public enum AddWatchMode
{
    /// <summary>Data and child changes of that one znode.</summary>
    Persistent = 0,

    /// <summary>Creates, deletes and data changes of the znode and every descendant (never child-list events).</summary>
    PersistentRecursive = 1,
}
