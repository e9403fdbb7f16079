namespace ClusterDashboard.Bench;

/// <summary>One workload's result: throughput and request latency percentiles.</summary>
internal sealed record Measurement(double OpsPerSecond, double P50Us, double P99Us, long Errors);
