using System.Collections.Immutable;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// A live copy of some subtrees: a full load, then the events of persistent recursive watches on their roots applied
/// one by one, each turned into a change carrying the zxid that made it. The caller feeds it from a single loop, so
/// changes come out in ZooKeeper's order and every snapshot is consistent. Nothing outside the roots is read or kept,
/// so on a shared ensemble other applications' znodes never enter the cache (ZooKeeper's own /zookeeper neither).
/// The cache is kept in immutable maps, each change a new version that shares all but a few of its inner nodes with the
/// last: every change is published as a snapshot, and copying a tree of hundreds of znodes for each one was most of
/// what a node spent on a failover.
/// </summary>
public sealed class TreeCache(IReadOnlyList<string> roots, TimeProvider time)
{
    private static readonly ImmutableSortedSet<string> NoChildren = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
    private ImmutableDictionary<string, NodeData> _nodes = ImmutableDictionary.Create<string, NodeData>(StringComparer.Ordinal);
    // Each cached znode's cached children, by full path; kept in step with _nodes by LoadAsync, Set and Remove.
    private ImmutableDictionary<string, ImmutableSortedSet<string>> _children = ImmutableDictionary.Create<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);
    private long _zxid;

    /// <summary>The subtrees cached: each root and everything below it.</summary>
    public IReadOnlyList<string> Roots { get; } = roots;

    /// <summary>Every change up to this zxid is applied.</summary>
    public long Zxid => _zxid;

    public TreeSnapshot Snapshot() => new(_zxid, _nodes) { Children = _children };

    /// <summary>Reads the subtrees again (at start and after every reconnect, since persistent watches miss what
    /// changed while disconnected) and reports how they differ from what was cached.</summary>
    public async Task<IReadOnlyList<ZnodeChange>> LoadAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        var fresh = new Dictionary<string, NodeData>(StringComparer.Ordinal);
        var pending = new Queue<string>(Roots);
        while (pending.Count > 0)
        {
            var path = pending.Dequeue();
            if (!Contains(path))
            {
                continue;
            }

            // Data and children of one znode from one point in the server's history.
            var reads = await zk.MultiReadAsync([ReadOperation.GetData(path), ReadOperation.GetChildren(path)], cancellationToken).ConfigureAwait(false);
            if (reads[0] is not DataReadResult data || reads[1] is not ChildrenReadResult children)
            {
                continue; // not there (yet), or deleted meanwhile
            }

            fresh[path] = data.Node;
            foreach (var child in children.Children)
            {
                pending.Enqueue(ZooKeeperPath.Combine(path, child));
            }
        }

        var now = time.GetUtcNow();
        var changes = new List<ZnodeChange>();
        foreach (var (path, node) in fresh)
        {
            if (!_nodes.TryGetValue(path, out var old))
            {
                changes.Add(new ZnodeChange(path, ZnodeChangeKind.Created, now, node.Stat.Czxid));
            }
            else if (old.Stat.Mzxid != node.Stat.Mzxid)
            {
                changes.Add(new ZnodeChange(path, ZnodeChangeKind.DataChanged, now, node.Stat.Mzxid));
            }
        }

        var zxid = fresh.Values.Select(n => Math.Max(n.Stat.Mzxid, n.Stat.Pzxid)).DefaultIfEmpty(0).Max();
        changes.AddRange(_nodes.Keys.Where(p => !fresh.ContainsKey(p)).Select(p => new ZnodeChange(p, ZnodeChangeKind.Deleted, now, zxid)));
        _nodes = fresh.ToImmutableDictionary(StringComparer.Ordinal);
        _children = fresh.Keys.Where(p => p != "/")
            .GroupBy(ZooKeeperPath.Parent, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.ToImmutableSortedSet(StringComparer.Ordinal), StringComparer.Ordinal);

        _zxid = Math.Max(_zxid, zxid);
        return changes.OrderBy(c => c.Zxid).ToList();
    }

    /// <summary>Applies one event of the recursive watches; returns the change it made, if any.</summary>
    public Task<ZnodeChange?> ApplyAsync(ZooKeeperClient zk, WatchedEvent watched, CancellationToken cancellationToken) =>
        ApplyAsync(Begin(zk, watched, cancellationToken));

    /// <summary>Sends the reads one event of the recursive watches needs, at once, and returns the event pending. The
    /// client keeps requests in order, so a burst of events has all its reads on the wire together instead of one round
    /// trip after another; <see cref="ApplyAsync(PendingEvent)"/> then applies them one by one, in the events' order.
    /// Each read answers from a later point of the server's history than the one before it, as when they went one by
    /// one, so the cache still only moves forward.</summary>
    public PendingEvent Begin(ZooKeeperClient zk, WatchedEvent watched, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        ArgumentNullException.ThrowIfNull(watched);
        if (watched.Path is not { } path || !Contains(path))
        {
            return PendingEvent.Ignored(watched);
        }

        // A parent's stat (its child count, cversion, pzxid) moves with every child created or deleted, but recursive
        // watches send no event for it: it is read again beside the child, so the cached parent is never older. A data
        // change leaves the parent's stat alone, so it costs one read of the child only.
        var parent = path == "/" ? null : ZooKeeperPath.Parent(path);
        var parentCached = parent is not null && Contains(parent);
        switch (watched.Type)
        {
            case WatchEventType.NodeCreated:
                return new PendingEvent(watched, parent, parentCached, zk.MultiReadAsync(
                    parentCached ? [ReadOperation.GetData(path), ReadOperation.GetData(parent!)] : [ReadOperation.GetData(path)],
                    cancellationToken), null);
            case WatchEventType.NodeDataChanged:
                return new PendingEvent(watched, parent, parentCached, zk.MultiReadAsync([ReadOperation.GetData(path)], cancellationToken), null);
            case WatchEventType.NodeDeleted when parentCached:
                return new PendingEvent(watched, parent, parentCached, zk.MultiReadAsync([ReadOperation.GetData(parent!)], cancellationToken), null);
            case WatchEventType.NodeDeleted:
                return new PendingEvent(watched, parent, parentCached, null, parent is null ? null : zk.ExistsAsync(parent, cancellationToken: cancellationToken));
            default:
                return PendingEvent.Ignored(watched);
        }
    }

    /// <summary>Applies an event begun with <see cref="Begin"/>, once its reads are answered; events are applied in the
    /// order they were begun. Returns the change it made, if any.</summary>
    /// <param name="removed">Called for a deletion as soon as the znode has left the cache, before its parent's read is
    /// answered: a deletion needs nothing from the server but its zxid, so a view can be made from the cache a round
    /// trip sooner. Until the read answers, <see cref="Zxid"/> is one past the last zxid applied, a lower bound of the
    /// deletion's own (every change before it is applied, and zxids only go up); then the deletion's own.</param>
    public async Task<ZnodeChange?> ApplyAsync(PendingEvent pending, Action? removed = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Event.Path is not { } path || !Contains(path))
        {
            return null;
        }

        switch (pending.Event.Type)
        {
            case WatchEventType.NodeCreated or WatchEventType.NodeDataChanged when pending.Reads is { } read:
                var reads = await read.ConfigureAwait(false);
                if (pending.Event.Type == WatchEventType.NodeCreated && pending.ParentCached)
                {
                    RefreshParent(pending.Parent!, reads[1]);
                }

                if (reads[0] is not DataReadResult data)
                {
                    return Remove(path, _zxid); // gone again already; its delete event follows
                }

                var created = Set(path, data.Node);
                _zxid = Math.Max(_zxid, data.Node.Stat.Mzxid);
                return new ZnodeChange(path, created ? ZnodeChangeKind.Created : ZnodeChangeKind.DataChanged, time.GetUtcNow(), data.Node.Stat.Mzxid);

            case WatchEventType.NodeDeleted:
                var at = time.GetUtcNow();
                var gone = Remove(path);
                if (gone)
                {
                    _zxid++;
                    removed?.Invoke();
                }

                // The parent's pzxid is the zxid of its latest child change: the delete, unless more came since.
                long zxid;
                if (pending.Reads is { } parentRead)
                {
                    var result = (await parentRead.ConfigureAwait(false))[0];
                    RefreshParent(pending.Parent!, result);
                    zxid = result is DataReadResult p ? p.Node.Stat.Pzxid : _zxid;
                }
                else
                {
                    zxid = (pending.ParentStat is { } stat ? await stat.ConfigureAwait(false) : null)?.Pzxid ?? _zxid;
                }

                _zxid = Math.Max(_zxid, zxid);
                return gone ? new ZnodeChange(path, ZnodeChangeKind.Deleted, at, zxid) : null;
            default:
                return null;
        }
    }

    /// <summary>An event of the recursive watches with its reads on their way.</summary>
    public sealed record PendingEvent(
        WatchedEvent Event,
        string? Parent,
        bool ParentCached,
        Task<IReadOnlyList<ReadOperationResult>>? Reads,
        Task<Stat?>? ParentStat)
    {
        internal static PendingEvent Ignored(WatchedEvent watched) => new(watched, null, false, null, null);

        /// <summary>Waits for the reads without applying them: for events left unapplied when the session ends.</summary>
        public async Task AbandonAsync()
        {
            try
            {
                await (Reads ?? (Task)(ParentStat ?? Task.CompletedTask)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Left unapplied because the session ended: whatever its read came to does not matter, and must not
                // hide why the session ended.
            }
        }
    }

    private void RefreshParent(string parent, ReadOperationResult read)
    {
        if (read is DataReadResult data && _nodes.ContainsKey(parent))
        {
            _nodes = _nodes.SetItem(parent, data.Node);
        }
    }

    // A znode new to the cache is listed under its parent's path (a root's too, though its parent is not cached).
    // Returns whether it was new.
    private bool Set(string path, NodeData node)
    {
        var created = !_nodes.ContainsKey(path);
        _nodes = _nodes.SetItem(path, node);
        if (created && path != "/")
        {
            var parent = ZooKeeperPath.Parent(path);
            _children = _children.SetItem(parent, _children.GetValueOrDefault(parent, NoChildren).Add(path));
        }

        return created;
    }

    // The znode and everything cached below it go, and it leaves its parent's children. Below it means through the
    // index: ZooKeeper tells of a child only after its parent, so every cached descendant hangs from a cached parent.
    private ZnodeChange? Remove(string path, long zxid) =>
        Remove(path) ? new ZnodeChange(path, ZnodeChangeKind.Deleted, time.GetUtcNow(), zxid) : null;

    private bool Remove(string path)
    {
        if (!_nodes.ContainsKey(path))
        {
            return false;
        }

        var gone = new Stack<string>([path]);
        while (gone.TryPop(out var next))
        {
            _nodes = _nodes.Remove(next);
            if (_children.TryGetValue(next, out var below))
            {
                _children = _children.Remove(next);
                foreach (var child in below)
                {
                    gone.Push(child);
                }
            }
        }

        var parent = path == "/" ? null : ZooKeeperPath.Parent(path);
        if (parent is not null && _children.TryGetValue(parent, out var siblings))
        {
            var left = siblings.Remove(path);
            _children = left.IsEmpty ? _children.Remove(parent) : _children.SetItem(parent, left);
        }

        return true;
    }

    /// <summary>Whether <paramref name="path"/> lies in one of the cached subtrees.</summary>
    public bool Contains(string path)
    {
        if (path == "/zookeeper" || path.StartsWith("/zookeeper/", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var root in Roots)
        {
            if (root == "/" || path == root || path.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
