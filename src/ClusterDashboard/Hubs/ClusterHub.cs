using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using Microsoft.AspNetCore.SignalR;

namespace ClusterDashboard.Hubs;

/// <summary>
/// Pushes cluster changes to clients at /hubs/cluster. Client methods: LeaderChanged (LeaderResponse or null),
/// ElectionChanged (CandidateResponse[]), MembersChanged (MemberResponse[]), ZnodeChanged (ZnodeMessage) and
/// LocalStateChanged (LocalStateMessage). A client starts from <see cref="GetSnapshot"/>.
/// </summary>
public sealed class ClusterHub(ClusterEventFeed feed) : Hub
{
    public SnapshotMessage GetSnapshot()
    {
        var snapshot = feed.Snapshot;
        return new SnapshotMessage(snapshot.Leader.ToResponse(), snapshot.ToCandidates(), snapshot.ToMembers());
    }
}
