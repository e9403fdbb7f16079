namespace ClusterDashboard.ZooKeeper.Internal;

internal sealed record WatchSnapshot(
    IReadOnlyList<string> Data,
    IReadOnlyList<string> Exist,
    IReadOnlyList<string> Child,
    IReadOnlyList<string> Persistent,
    IReadOnlyList<string> PersistentRecursive)
{
    public bool IsEmpty => Data.Count + Exist.Count + Child.Count + Persistent.Count + PersistentRecursive.Count == 0;

    public bool HasPersistent => Persistent.Count + PersistentRecursive.Count > 0;
}
