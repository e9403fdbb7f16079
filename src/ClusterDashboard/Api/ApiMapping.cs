using ClusterDashboard.Coordination;

namespace ClusterDashboard.Api;

/// <summary>From the coordination model to the API's shapes; the hub sends the same shapes.</summary>
internal static class ApiMapping
{
    public static LeaderResponse? ToResponse(this LeaderInfo? leader) =>
        leader is null ? null : new LeaderResponse(leader.NodeId, leader.Url, leader.Epoch, leader.Sequence, leader.Znode, leader.Since);

    public static IReadOnlyList<MemberResponse> ToMembers(this ClusterSnapshot snapshot) =>
        snapshot.Members.Select(m => new MemberResponse(m.NodeId, m.Url, m.IsLeader, m.State, m.StartedAt, m.Version)).ToList();

    public static IReadOnlyList<CandidateResponse> ToCandidates(this ClusterSnapshot snapshot) =>
        snapshot.Candidates.Select(c => new CandidateResponse(c.Znode, c.Sequence, c.NodeId, c.IsLeader, c.Watching)).ToList();

    public static IReadOnlyList<ForeignZnodeResponse> ToForeign(this ClusterSnapshot snapshot) =>
        snapshot.Foreign.Select(f => new ForeignZnodeResponse(f.Name, f.Reason)).ToList();
}
