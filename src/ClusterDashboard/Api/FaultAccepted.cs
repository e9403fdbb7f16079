namespace ClusterDashboard.Api;

/// <param name="Kind">The fault carried out, or "recover" for an order that ended one.</param>
/// <param name="DurationSeconds">How long it lasts; null for resign and recover.</param>
public sealed record FaultAccepted(string FaultId, string NodeId, string Kind, int? DurationSeconds);
