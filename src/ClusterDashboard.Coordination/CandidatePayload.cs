using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>What our candidate znodes hold. Written once at create: a later write would wake the candidate behind it,
/// whose exists watch also fires on data changes.</summary>
public sealed record CandidatePayload(string NodeId, string? Url)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    /// <summary>Null for data we did not write (candidates made by other clients). Anyone may have written it, so the
    /// node id must be one and a URL that is not absolute http(s) is dropped.</summary>
    public static CandidatePayload? TryParse(ReadOnlySpan<byte> data) =>
        PayloadJson.TryParse<CandidatePayload>(data) is { } p && NodeIds.IsValid(p.NodeId) ? p with { Url = NodeUrls.IsValid(p.Url) ? p.Url : null } : null;
}
