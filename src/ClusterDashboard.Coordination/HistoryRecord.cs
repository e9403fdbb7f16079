using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>One line of the cluster's history, a persistent sequential znode under /history:
/// "fault" (injected: FaultKind, Duration), "leader" (elected: Epoch, PredecessorGoneAt) or "seen" (a node saw leader
/// Epoch).</summary>
public sealed record HistoryRecord(
    string Type,
    string NodeId,
    DateTimeOffset At,
    string? FaultId = null,
    FaultKind? FaultKind = null,
    int? DurationSeconds = null,
    long? Epoch = null,
    DateTimeOffset? PredecessorGoneAt = null)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    public static HistoryRecord? TryParse(ReadOnlySpan<byte> data) => PayloadJson.TryParse<HistoryRecord>(data) is { Type: not null } r ? r : null;
}
