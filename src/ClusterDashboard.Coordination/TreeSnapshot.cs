using System.Collections.Frozen;
using System.Collections.Immutable;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>A consistent copy of the cached tree: every change up to <see cref="Zxid"/> applied, none after.</summary>
public sealed record TreeSnapshot(long Zxid, IReadOnlyDictionary<string, NodeData> Nodes)
{
    private IReadOnlyDictionary<string, ImmutableSortedSet<string>>? _children;

    public static TreeSnapshot Empty { get; } = new(0, FrozenDictionary<string, NodeData>.Empty);

    /// <summary>The znodes by full path. A copy made with other nodes (<c>with { Nodes = ... }</c>) drops the children
    /// index it was given, which would describe the old ones.</summary>
    public IReadOnlyDictionary<string, NodeData> Nodes
    {
        get;
        init
        {
            field = value;
            _children = null;
        }
    } = Nodes;

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

    // Equal as before the index existed: the same zxid and the very same nodes. The index is derived from them and
    // left out, so building it on first use does not change what a snapshot equals.
    public bool Equals(TreeSnapshot? other) =>
        other is not null && (ReferenceEquals(this, other) || (Zxid == other.Zxid && ReferenceEquals(Nodes, other.Nodes)));

    public override int GetHashCode() => HashCode.Combine(Zxid, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Nodes));

    private static Dictionary<string, ImmutableSortedSet<string>> IndexOf(IReadOnlyDictionary<string, NodeData> nodes) =>
        nodes.Keys.Where(path => path != "/").GroupBy(ZooKeeperPath.Parent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToImmutableSortedSet(StringComparer.Ordinal), StringComparer.Ordinal);
}
