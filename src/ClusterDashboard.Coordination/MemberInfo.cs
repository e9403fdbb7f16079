using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Coordination;

/// <summary>A node: registered under the members path, or known only by its status while its participant is down.
/// <see cref="State"/> is a fault's while it lives through one, else its role.</summary>
/// <param name="Url">Its advertised URL; null when what it published is not an absolute http(s) URL.</param>
/// <param name="Faults">What fault orders it accepts, as it publishes; null until it has.</param>
public sealed record MemberInfo(string NodeId, string? Url, DateTimeOffset StartedAt, string Version, bool IsLeader, NodeState State, bool StatusPublished = false, FaultAcceptance? Faults = null);
