namespace ClusterDashboard.Api;

/// <param name="Kind">crash, partition, pause, leave or resign.</param>
/// <param name="DurationSeconds">How long the fault lasts (ignored for resign).</param>
public sealed record FaultRequest(string? Kind, int? DurationSeconds);
