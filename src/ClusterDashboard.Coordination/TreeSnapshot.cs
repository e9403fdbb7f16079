using System.Collections.Frozen;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>A consistent copy of the cached tree: every change up to <see cref="Zxid"/> applied, none after.</summary>
public sealed record TreeSnapshot(long Zxid, IReadOnlyDictionary<string, NodeData> Nodes)
{
    public static TreeSnapshot Empty { get; } = new(0, FrozenDictionary<string, NodeData>.Empty);

    /// <summary>The direct children of <paramref name="parent"/> that the cache holds.</summary>
    public IEnumerable<KeyValuePair<string, NodeData>> ChildrenOf(string parent) =>
        Nodes.Where(kv => kv.Key != "/" && ZooKeeperPath.Parent(kv.Key) == parent);
}
