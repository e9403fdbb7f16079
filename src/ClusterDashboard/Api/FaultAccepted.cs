namespace ClusterDashboard.Api;

public sealed record FaultAccepted(string FaultId, string NodeId, string Kind, int DurationSeconds);
