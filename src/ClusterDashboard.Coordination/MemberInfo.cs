namespace ClusterDashboard.Coordination;

/// <summary>A node: registered under the members path, or known only by its status while its participant is down.
/// <see cref="State"/> is "crashed", "partitioned", "paused" or "left" during a fault, else its role.</summary>
public sealed record MemberInfo(string NodeId, string Url, DateTimeOffset StartedAt, string Version, bool IsLeader, string State, bool StatusPublished = false);
