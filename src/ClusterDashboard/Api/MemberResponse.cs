namespace ClusterDashboard.Api;

public sealed record MemberResponse(string NodeId, string Url, bool IsLeader, string State, DateTimeOffset StartedAt, string Version);
