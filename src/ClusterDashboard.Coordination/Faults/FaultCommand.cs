using System.Globalization;
using System.Text.Json;

namespace ClusterDashboard.Coordination.Faults;

/// <summary>
/// A fault order for one node, carried by a znode under /commands/{nodeId} that the node watches, so any node can order
/// any other without a network path between them. <see cref="Kind"/> is a fault's name, or null to end the running
/// fault. Everything in it is input: the target checks each field (<see cref="FaultCommandBus"/>) before it acts.
/// </summary>
/// <param name="Proof">With a key on the target: the HMAC of <see cref="SignedText"/> under that key.</param>
/// <param name="Direction">For partition-oneway: "upstream" or "downstream".</param>
/// <param name="LatencyMs">For latency: the delay each way.</param>
/// <param name="JitterMs">For latency: its jitter.</param>
public sealed record FaultCommand(string Id, string NodeId, string? Kind, int DurationSeconds, DateTimeOffset IssuedAt, string IssuedBy, string? Proof = null, string? Direction = null, int? LatencyMs = null, int? JitterMs = null)
{
    /// <summary>Every field that decides what the order does, in one fixed form, for <see cref="Proof"/>.</summary>
    public string SignedText => string.Join(
        '\n',
        "clusterdashboard-fault/1",
        Id,
        NodeId,
        Kind ?? "recover",
        DurationSeconds.ToString(CultureInfo.InvariantCulture),
        IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        IssuedBy,
        Direction ?? "-",
        LatencyMs?.ToString(CultureInfo.InvariantCulture) ?? "-",
        JitterMs?.ToString(CultureInfo.InvariantCulture) ?? "-");

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    /// <summary>The command, or null if the data is not one (not JSON, a field missing or malformed).</summary>
    public static FaultCommand? TryParse(ReadOnlySpan<byte> data) =>
        PayloadJson.TryParse<FaultCommand>(data) is { } c && FaultIds.IsValid(c.Id) && NodeIds.IsValid(c.NodeId) && NodeIds.IsValid(c.IssuedBy) ? c : null;
}
