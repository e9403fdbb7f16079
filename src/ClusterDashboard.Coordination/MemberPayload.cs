using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>What a member znode holds; <see cref="State"/> is the node's own leadership state, kept current by it.</summary>
/// <param name="Replaced">The session whose member znode of this id this one replaced (the node's previous process,
/// its session not expired yet), if any: that session's candidate still speaks for this node.</param>
public sealed record MemberPayload(string NodeId, string Url, DateTimeOffset StartedAt, string Version, NodeState State, long? Replaced = null)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    /// <summary>Null unless the node id is one; the URL is kept as written (the view decides whether to show it).</summary>
    public static MemberPayload? TryParse(ReadOnlySpan<byte> data) =>
        PayloadJson.TryParse<MemberPayload>(data) is { } p && NodeIds.IsValid(p.NodeId) && Enum.IsDefined(p.State) && p.Version is { Length: <= 64 } ? p : null;
}
