using System.Collections.Frozen;
using System.Collections.Immutable;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>A consistent copy of the cached tree: every change up to <see cref="Zxid"/> applied, none after.</summary>
public sealed record TreeSnapshot(long Zxid, IReadOnlyDictionary<string, NodeData> Nodes)
{
    private IReadOnlyDictionary<string, ImmutableSortedSet<string>>? _children;

    public static TreeSnapshot Empty { get; } = new(0, FrozenDictionary<string, NodeData>.Empty);

    /// <summary>Each cached znode's cached children (full paths), for snapshots whose maker keeps them: the cache
    /// does, so a lookup of one znode's children costs that znode's children, not a walk of the whole tree.</summary>
    internal IReadOnlyDictionary<string, ImmutableSortedSet<string>> Children
    {
        get => _children ??= IndexOf(Nodes); // built once, from the nodes, for a snapshot made without it
        init => _children = value;
    }

    /// <summary>The direct children of <paramref name="parent"/> that the cache holds, in ordinal order of their paths.</summary>
    public IEnumerable<KeyValuePair<string, NodeData>> ChildrenOf(string parent) =>
        Children.TryGetValue(parent, out var children) ? children.Select(path => KeyValuePair.Create(path, Nodes[path])) : [];

    private static Dictionary<string, ImmutableSortedSet<string>> IndexOf(IReadOnlyDictionary<string, NodeData> nodes) =>
        nodes.Keys.Where(path => path != "/").GroupBy(ZooKeeperPath.Parent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToImmutableSortedSet(StringComparer.Ordinal), StringComparer.Ordinal);
}
