using System.Collections.Frozen;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// A live copy of a subtree: a full load, then the events of a persistent recursive watch applied one by one, each
/// turned into a change carrying the zxid that made it. The caller feeds it from a single loop, so changes come out
/// in ZooKeeper's order and every snapshot is consistent. ZooKeeper's own /zookeeper subtree is left out.
/// </summary>
public sealed class TreeCache(string root, TimeProvider time)
{
    private readonly Dictionary<string, NodeData> _nodes = new(StringComparer.Ordinal);
    private long _zxid;

    public string Root { get; } = root;

    public TreeSnapshot Snapshot() => new(_zxid, _nodes.ToFrozenDictionary(StringComparer.Ordinal));

    /// <summary>Reads the whole subtree again (at start and after every reconnect, since persistent watches miss what
    /// changed while disconnected) and reports how it differs from what was cached.</summary>
    public async Task<IReadOnlyList<ZnodeChange>> LoadAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        var fresh = new Dictionary<string, NodeData>(StringComparer.Ordinal);
        var pending = new Queue<string>([Root]);
        while (pending.Count > 0)
        {
            var path = pending.Dequeue();
            if (IsExcluded(path))
            {
                continue;
            }

            // Data and children of one znode from one point in the server's history.
            var reads = await zk.MultiReadAsync([ReadOperation.GetData(path), ReadOperation.GetChildren(path)], cancellationToken).ConfigureAwait(false);
            if (reads[0] is not DataReadResult data || reads[1] is not ChildrenReadResult children)
            {
                continue; // deleted meanwhile
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
        _nodes.Clear();
        foreach (var (path, node) in fresh)
        {
            _nodes[path] = node;
        }

        _zxid = Math.Max(_zxid, zxid);
        return changes.OrderBy(c => c.Zxid).ToList();
    }

    /// <summary>Applies one event of the recursive watch; returns the change it made, if any.</summary>
    public async Task<ZnodeChange?> ApplyAsync(ZooKeeperClient zk, WatchedEvent watched, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        ArgumentNullException.ThrowIfNull(watched);
        if (watched.Path is not { } path || IsExcluded(path))
        {
            return null;
        }

        switch (watched.Type)
        {
            case WatchEventType.NodeCreated:
            case WatchEventType.NodeDataChanged:
                try
                {
                    var node = await zk.GetDataAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
                    var created = !_nodes.ContainsKey(path);
                    _nodes[path] = node;
                    _zxid = Math.Max(_zxid, node.Stat.Mzxid);
                    return new ZnodeChange(path, created ? ZnodeChangeKind.Created : ZnodeChangeKind.DataChanged, time.GetUtcNow(), node.Stat.Mzxid);
                }
                catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
                {
                    return Remove(path, _zxid); // gone again already; its delete event follows
                }

            case WatchEventType.NodeDeleted:
                // The parent's pzxid is the zxid of its latest child change: the delete, unless more came since.
                var parent = path == "/" ? null : await zk.ExistsAsync(ZooKeeperPath.Parent(path), cancellationToken: cancellationToken).ConfigureAwait(false);
                var zxid = parent?.Pzxid ?? _zxid;
                _zxid = Math.Max(_zxid, zxid);
                return Remove(path, zxid);
            default:
                return null;
        }
    }

    private ZnodeChange? Remove(string path, long zxid)
    {
        if (!_nodes.Remove(path))
        {
            return null;
        }

        foreach (var descendant in _nodes.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
        {
            _nodes.Remove(descendant);
        }

        return new ZnodeChange(path, ZnodeChangeKind.Deleted, time.GetUtcNow(), zxid);
    }

    private bool IsExcluded(string path) =>
        path == "/zookeeper" || path.StartsWith("/zookeeper/", StringComparison.Ordinal) ||
        (Root != "/" && path != Root && !path.StartsWith(Root + "/", StringComparison.Ordinal));
}
