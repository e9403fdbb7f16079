using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using Microsoft.AspNetCore.SignalR;

namespace ClusterDashboard.Hubs;

/// <summary>
/// Pushes cluster changes to clients at /hubs/cluster. Client methods: LeaderChanged (LeaderResponse or null),
/// ElectionChanged (CandidateResponse[]), MembersChanged (MemberResponse[]), HeartbeatChanged ({nodeId, epoch, at}),
/// ZnodeChanged (ZnodeMessage, with its zxid) and LocalStateChanged (LocalStateMessage). A client starts from
/// <see cref="GetSnapshot"/>, or from <see cref="GetTree"/> to follow the whole tree.
/// </summary>
public sealed class ClusterHub(ClusterEventFeed feed, IClusterObserver observer) : Hub
{
    public TreeMessage GetTree()
    {
        var tree = observer.Tree;
        return new TreeMessage(
            tree.Zxid,
            tree.Nodes.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new TreeNodeMessage(
                    kv.Key,
                    kv.Value.Data.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(kv.Value.Data),
                    kv.Value.Stat.Version,
                    kv.Value.Stat.Mzxid,
                    kv.Value.Stat.EphemeralOwner == 0 ? null : $"0x{kv.Value.Stat.EphemeralOwner:x}"))
                .ToList());
    }

    public SnapshotMessage GetSnapshot()
    {
        var snapshot = feed.Snapshot;
        return new SnapshotMessage(snapshot.Leader.ToResponse(), snapshot.ToCandidates(), snapshot.ToMembers());
    }
}
