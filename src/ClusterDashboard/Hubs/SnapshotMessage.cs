using ClusterDashboard.Api;

namespace ClusterDashboard.Hubs;

public sealed record SnapshotMessage(LeaderResponse? Leader, IReadOnlyList<CandidateResponse> Election, IReadOnlyList<MemberResponse> Members);
