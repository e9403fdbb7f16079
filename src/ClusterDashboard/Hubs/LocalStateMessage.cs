using ClusterDashboard.Coordination;

namespace ClusterDashboard.Hubs;

public sealed record LocalStateMessage(string NodeId, LeadershipState State, long? Epoch, string? Znode, DateTimeOffset At);
