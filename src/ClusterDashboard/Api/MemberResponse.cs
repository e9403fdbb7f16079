using ClusterDashboard.Coordination;

namespace ClusterDashboard.Api;

/// <param name="Url">Its advertised URL; null when it published something other than an absolute http(s) URL.</param>
public sealed record MemberResponse(string NodeId, string? Url, bool IsLeader, NodeState State, DateTimeOffset StartedAt, string Version);
