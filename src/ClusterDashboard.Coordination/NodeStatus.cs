using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>A node's own account of itself, kept by its observer session under /status so it stays visible while
/// the participant is crashed, partitioned or paused. <see cref="State"/> is "crashed", "partitioned", "paused" or
/// "left" during a fault, else the leadership state.</summary>
public sealed record NodeStatus(string NodeId, string Url, string State, string? FaultId, DateTimeOffset? FaultUntil, string Policy, DateTimeOffset At)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    public static NodeStatus? TryParse(ReadOnlySpan<byte> data) => PayloadJson.TryParse<NodeStatus>(data) is { NodeId: not null } s ? s : null;
}
