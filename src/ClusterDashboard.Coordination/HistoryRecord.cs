using System.Text.Json;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Coordination;

/// <summary>What a line of the history records.</summary>
public enum HistoryRecordType
{
    /// <summary>A fault order, as its target decided on it: carried out, or refused with the reason. With no
    /// <see cref="HistoryRecord.FaultKind"/>, an order to end the running fault.</summary>
    Fault,

    /// <summary>A node became leader: <see cref="HistoryRecord.Epoch"/>, <see cref="HistoryRecord.PredecessorGoneAt"/>.</summary>
    Leader,

    /// <summary>A node saw leader <see cref="HistoryRecord.Epoch"/>.</summary>
    Seen,
}

/// <summary>One line of the cluster's history, a persistent sequential znode under /history.</summary>
public sealed record HistoryRecord(
    HistoryRecordType Type,
    string NodeId,
    DateTimeOffset At,
    string? FaultId = null,
    FaultKind? FaultKind = null,
    int? DurationSeconds = null,
    long? Epoch = null,
    DateTimeOffset? PredecessorGoneAt = null,
    string? IssuedBy = null,
    FaultRefusal? Refusal = null,
    string? Reason = null,
    FaultParameters? Parameters = null)
{
    private const int MaxReasonLength = 300;

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    /// <summary>The record, or null for data that is not one; anyone with write access could have written it, so ids
    /// must be ids and the reason is cut to a readable length.</summary>
    public static HistoryRecord? TryParse(ReadOnlySpan<byte> data) =>
        PayloadJson.TryParse<HistoryRecord>(data) is { } r && Enum.IsDefined(r.Type) && NodeIds.IsValid(r.NodeId)
            && (r.FaultKind is null || Enum.IsDefined(r.FaultKind.Value))
            && (r.Parameters?.Direction is null || Enum.IsDefined(r.Parameters.Direction.Value))
            && (r.FaultId is null || FaultIds.IsValid(r.FaultId)) && (r.IssuedBy is null || NodeIds.IsValid(r.IssuedBy))
            ? r with { Reason = r.Reason is { Length: > MaxReasonLength } reason ? reason[..MaxReasonLength] : r.Reason }
            : null;
}
