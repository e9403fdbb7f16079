using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>A fault order for one node, carried by a znode under /commands/{nodeId} that the node watches, so any
/// node can order any other without a network path between them. Kind null means: end the running fault.</summary>
public sealed record FaultCommand(string Id, string NodeId, FaultKind? Kind, int DurationSeconds, DateTimeOffset IssuedAt, string IssuedBy)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    public static FaultCommand? TryParse(ReadOnlySpan<byte> data) => PayloadJson.TryParse<FaultCommand>(data) is { Id: not null } c ? c : null;
}
