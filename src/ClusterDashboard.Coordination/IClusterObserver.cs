namespace ClusterDashboard.Coordination;

/// <summary>A live, read-only view of the cluster kept by a session that faults never touch.</summary>
public interface IClusterObserver
{
    ClusterSnapshot Current { get; }

    /// <summary>A consistent copy of the whole cached tree.</summary>
    TreeSnapshot Tree { get; }

    /// <summary>How current <see cref="Current"/> is.</summary>
    ViewFreshness Freshness { get; }

    /// <summary>The view once it includes everything ZooKeeper committed before this call (a sync, then every change
    /// it brought applied): the strongest answer, at the cost of a round trip.</summary>
    Task<ClusterSnapshot> ReadConsistentAsync(CancellationToken cancellationToken);

    /// <summary>The ACL of one of the cluster's own znodes (one in <see cref="Tree"/>), as "scheme:id:letters" entries (a digest by its user only, never its hash); null
    /// for any other path, or while there is no session to ask with.</summary>
    Task<IReadOnlyList<string>?> ReadAclAsync(string path, CancellationToken cancellationToken);

    /// <summary>Raised after every change of <see cref="Current"/>; handlers must not block.</summary>
    event Action<ClusterSnapshot>? SnapshotChanged;

    /// <summary>Raised when the view's load or sync state changes (what <see cref="Freshness"/> is built from); the
    /// passing of time without an answer raises nothing, so a reader of liveness also looks now and then. Must not
    /// block.</summary>
    event Action? FreshnessChanged;

    /// <summary>Raised for every znode change under the cluster paths, in ZooKeeper's order; must not block.</summary>
    event Action<ZnodeChange>? ZnodeChanged;
}
