namespace ClusterDashboard.Api;

/// <param name="Kind">Exactly one of crash, partition, pause, leave, resign.</param>
/// <param name="DurationSeconds">How long the fault lasts, 1 to the target's Faults:MaxDurationSeconds; none for resign.</param>
public sealed record FaultRequest(string? Kind, int? DurationSeconds);
