using System.Runtime.CompilerServices;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>What a znode's data parses to, parsed once per version of the znode. The tree cache keeps a znode's
/// <see cref="NodeData"/> until the znode changes, and every view, history and event built from the tree reads the same
/// bytes again: a failover rebuilds the view a dozen times, and parsing every status, member, candidate and history
/// record each time was most of what was left of a node's CPU on it. Keyed by the instance, so a new version (a new
/// instance) is parsed afresh, and an entry goes when its version is no longer referenced.</summary>
internal static class ParsedPayloads
{
    private sealed record Parsed(Type Type, object? Value);

    private static readonly ConditionalWeakTable<NodeData, Parsed> Table = [];

    /// <summary>The payload <paramref name="parse"/> makes of <paramref name="node"/>'s data (null when it is not one),
    /// from the last time this very version was parsed as a <typeparamref name="T"/>. Keyed by the type, not the parser:
    /// each payload type has one parser (its TryParse), which every caller passes.</summary>
    public static T? Of<T>(NodeData node, Func<ReadOnlySpan<byte>, T?> parse)
        where T : class
    {
        if (Table.TryGetValue(node, out var known) && known.Type == typeof(T))
        {
            return (T?)known.Value;
        }

        var value = parse(node.Data);
        Table.AddOrUpdate(node, new Parsed(typeof(T), value));
        return value;
    }
}
