using ClusterDashboard.Coordination;

namespace ClusterDashboard.Hubs;

public sealed record ZnodeMessage(string Path, ZnodeChangeKind Kind, DateTimeOffset At);
