namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>The server-side watch lists a client registration lives in (and is re-sent in by SetWatches).</summary>
internal enum WatchKind
{
    Data,
    Exist,
    Child,
    Persistent,
    PersistentRecursive,
}
