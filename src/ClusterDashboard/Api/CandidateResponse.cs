namespace ClusterDashboard.Api;

/// <param name="Watching">The predecessor znode this candidate watches; null for the leader.</param>
public sealed record CandidateResponse(string Znode, long Sequence, string? NodeId, bool IsLeader, string? Watching);
