using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>What our candidate znodes hold. <see cref="ElectedAt"/> is written by the candidate once it leads, so
/// every node reports the same "since".</summary>
public sealed record CandidatePayload(string NodeId, string? Url, DateTimeOffset? ElectedAt)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    /// <summary>Null for data we did not write (candidates made by other clients).</summary>
    public static CandidatePayload? TryParse(ReadOnlySpan<byte> data) => PayloadJson.TryParse<CandidatePayload>(data) is { NodeId: not null } p ? p : null;
}
