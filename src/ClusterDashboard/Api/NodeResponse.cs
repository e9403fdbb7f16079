using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Api;

/// <summary>This node: its own view of its role.</summary>
/// <param name="Fault">The fault this node lives through, if any.</param>
public sealed record NodeResponse(string NodeId, string Url, LeadershipState State, long? Epoch, string? Znode, LeadershipPolicy Policy, ActiveFault? Fault = null);
