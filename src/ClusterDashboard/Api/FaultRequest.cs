namespace ClusterDashboard.Api;

/// <param name="Kind">Exactly one of crash, partition, pause, leave, resign, partition-oneway, latency.</param>
/// <param name="DurationSeconds">How long the fault lasts, 1 to the target's Faults:MaxDurationSeconds; none for resign.</param>
/// <param name="Direction">For partition-oneway: upstream (to ZooKeeper) or downstream (from it).</param>
/// <param name="LatencyMs">For latency: the delay added each way, 1 to 60000.</param>
/// <param name="JitterMs">For latency: up to this much more or less, 0 to the latency.</param>
public sealed record FaultRequest(string? Kind, int? DurationSeconds, string? Direction = null, int? LatencyMs = null, int? JitterMs = null);
