namespace ClusterDashboard.Api;

/// <param name="Kind">The fault carried out, or "recover" for an order that ended one.</param>
/// <param name="DurationSeconds">How long it lasts; null for resign and recover.</param>
/// <param name="Direction">For partition-oneway, the direction black-holed.</param>
/// <param name="LatencyMs">For latency, the delay each way.</param>
/// <param name="JitterMs">For latency, its jitter.</param>
public sealed record FaultAccepted(string FaultId, string NodeId, string Kind, int? DurationSeconds, string? Direction = null, int? LatencyMs = null, int? JitterMs = null);
