namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>
/// The client's watches keyed by server path (chroot included), so SetWatches can resend them as they are. The
/// server sends one event per path and type however many local watchers match; this fans it out.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>>[] _byKind =
        Enumerable.Range(0, 5).Select(_ => new Dictionary<string, HashSet<Action<WatchedEvent>>>(StringComparer.Ordinal)).ToArray();

    private readonly Lock _lock = new();

    public void Add(WatchKind kind, string serverPath, Action<WatchedEvent> watcher)
    {
        lock (_lock)
        {
            var map = _byKind[(int)kind];
            if (!map.TryGetValue(serverPath, out var set))
            {
                map[serverPath] = set = [];
            }

            set.Add(watcher);
        }
    }

    /// <summary>Removes one watcher, or all of a path's when <paramref name="watcher"/> is null.</summary>
    /// <returns>The watchers removed.</returns>
    public List<Action<WatchedEvent>> Remove(WatchKind kind, string serverPath, Action<WatchedEvent>? watcher)
    {
        lock (_lock)
        {
            var map = _byKind[(int)kind];
            if (!map.TryGetValue(serverPath, out var set))
            {
                return [];
            }

            List<Action<WatchedEvent>> removed = watcher is null ? [.. set] : set.Remove(watcher) ? [watcher] : [];
            if (watcher is null || set.Count == 0)
            {
                map.Remove(serverPath);
            }

            return removed;
        }
    }

    public bool Has(WatchKind kind, string serverPath, Action<WatchedEvent>? watcher)
    {
        lock (_lock)
        {
            return _byKind[(int)kind].TryGetValue(serverPath, out var set) && (watcher is null ? set.Count > 0 : set.Contains(watcher));
        }
    }

    /// <summary>The watchers an event triggers; one-shot ones are removed, as the server has dropped them too.</summary>
    public List<Action<WatchedEvent>> Trigger(WatchEventType type, string serverPath)
    {
        var result = new List<Action<WatchedEvent>>();
        lock (_lock)
        {
            switch (type)
            {
                case WatchEventType.NodeCreated:
                case WatchEventType.NodeDataChanged:
                    Take(WatchKind.Data, serverPath, result);
                    Take(WatchKind.Exist, serverPath, result);
                    break;
                case WatchEventType.NodeChildrenChanged:
                    Take(WatchKind.Child, serverPath, result);
                    break;
                case WatchEventType.NodeDeleted:
                    Take(WatchKind.Data, serverPath, result);
                    Take(WatchKind.Exist, serverPath, result);
                    Take(WatchKind.Child, serverPath, result);
                    break;
            }

            if (_byKind[(int)WatchKind.Persistent].TryGetValue(serverPath, out var persistent))
            {
                result.AddRange(persistent);
            }

            // A recursive watch never reports child-list changes; it reports the child's own create/delete instead.
            if (type != WatchEventType.NodeChildrenChanged && _byKind[(int)WatchKind.PersistentRecursive].Count > 0)
            {
                for (var path = serverPath; ; path = ZooKeeperPath.Parent(path))
                {
                    if (_byKind[(int)WatchKind.PersistentRecursive].TryGetValue(path, out var recursive))
                    {
                        result.AddRange(recursive);
                    }

                    if (path == "/")
                    {
                        break;
                    }
                }
            }
        }

        return result.Distinct().ToList();
    }

    private void Take(WatchKind kind, string serverPath, List<Action<WatchedEvent>> into)
    {
        if (_byKind[(int)kind].Remove(serverPath, out var set))
        {
            into.AddRange(set);
        }
    }

    /// <summary>The paths of each kind, for re-registration after a reconnect.</summary>
    public WatchSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new WatchSnapshot(
                [.. _byKind[(int)WatchKind.Data].Keys],
                [.. _byKind[(int)WatchKind.Exist].Keys],
                [.. _byKind[(int)WatchKind.Child].Keys],
                [.. _byKind[(int)WatchKind.Persistent].Keys],
                [.. _byKind[(int)WatchKind.PersistentRecursive].Keys]);
        }
    }

    /// <summary>Every watcher, once, with the registry emptied: the session is over.</summary>
    public List<Action<WatchedEvent>> Clear()
    {
        lock (_lock)
        {
            var all = _byKind.SelectMany(map => map.Values).SelectMany(set => set).Distinct().ToList();
            foreach (var map in _byKind)
            {
                map.Clear();
            }

            return all;
        }
    }
}
