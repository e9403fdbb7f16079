using ClusterDashboard.Api;

namespace ClusterDashboard.Hubs;

/// <param name="Foreign">Children of the election parent that are not candidates, with why.</param>
public sealed record SnapshotMessage(LeaderResponse? Leader, IReadOnlyList<CandidateResponse> Election, IReadOnlyList<MemberResponse> Members, IReadOnlyList<ForeignZnodeResponse> Foreign);
