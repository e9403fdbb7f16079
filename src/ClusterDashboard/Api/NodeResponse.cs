using ClusterDashboard.Coordination;

namespace ClusterDashboard.Api;

/// <summary>This node: its own view of its role.</summary>
public sealed record NodeResponse(string NodeId, string Url, LeadershipState State, long? Epoch, string? Znode, LeadershipPolicy Policy);
