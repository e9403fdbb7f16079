namespace ClusterDashboard.Coordination;

/// <summary>A registered node, read from its ephemeral znode under the members path.</summary>
public sealed record MemberInfo(string NodeId, string Url, DateTimeOffset StartedAt, string Version, bool IsLeader, string State);
