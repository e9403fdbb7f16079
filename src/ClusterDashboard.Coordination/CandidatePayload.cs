using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>What our candidate znodes hold. Written once at create: a later write would wake the candidate behind it,
/// whose exists watch also fires on data changes.</summary>
public sealed record CandidatePayload(string NodeId, string? Url)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    /// <summary>Null for data we did not write (candidates made by other clients).</summary>
    public static CandidatePayload? TryParse(ReadOnlySpan<byte> data) => PayloadJson.TryParse<CandidatePayload>(data) is { NodeId: not null } p ? p : null;
}
