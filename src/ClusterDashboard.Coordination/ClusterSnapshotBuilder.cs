using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>Derives the cluster view from the cached znodes: the queue order, the leader it implies, who watches
/// whom, and each member's role.</summary>
public static class ClusterSnapshotBuilder
{
    internal static ClusterSnapshot Build(ClusterNodeOptions options, TreeSnapshot tree, DateTimeOffset now)
    {
        var heartbeat = tree.Nodes.TryGetValue(options.HeartbeatPath, out var beat) ? HeartbeatInfo.TryParse(beat.Data) : null;
        var electionNodes = tree.ChildrenOf(options.ElectionPath)
            .ToDictionary(kv => ZooKeeperPath.Name(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        var ordered = SequenceNumber.Order(electionNodes.Keys);
        var candidates = new List<CandidateInfo>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var (name, sequence) = ordered[i];
            var payload = CandidatePayload.TryParse(electionNodes[name].Data);
            candidates.Add(new CandidateInfo(name, sequence, payload?.NodeId, payload?.Url, i == 0, i == 0 ? null : ordered[i - 1].Name));
        }

        LeaderInfo? leader = null;
        if (candidates.Count > 0)
        {
            var first = candidates[0];
            // Only the leader's own heartbeat, for this very term, says since when it leads.
            var since = heartbeat is not null && heartbeat.Epoch == first.Sequence ? heartbeat.LeaderSince : (DateTimeOffset?)null;
            leader = new LeaderInfo(first.NodeId ?? first.Znode, first.Url, first.Sequence, first.Znode, since);
        }

        var statuses = tree.ChildrenOf(ClusterNode.StatusPath)
            .Select(kv => NodeStatus.TryParse(kv.Value.Data))
            .OfType<NodeStatus>()
            .ToDictionary(s => s.NodeId, StringComparer.Ordinal);
        var registered = tree.ChildrenOf(options.MembersPath)
            .Select(kv => MemberPayload.TryParse(kv.Value.Data))
            .OfType<MemberPayload>()
            .Select(m =>
            {
                var isLeader = leader?.NodeId == m.NodeId;
                statuses.TryGetValue(m.NodeId, out var status);
                // A fault the node reports wins; otherwise the queue says who leads, since a member's own published
                // state may lag behind it.
                var state = status switch
                {
                    { FaultId: not null } => status.State,
                    { State: "suspended" or "lost" or "observer" } => status.State,
                    _ => isLeader ? "leader" : m.State == "leader" ? "follower" : m.State,
                };
                return new MemberInfo(m.NodeId, m.Url, m.StartedAt, m.Version, isLeader, state, status is not null);
            })
            .ToList();
        var down = statuses.Values
            .Where(s => registered.All(m => m.NodeId != s.NodeId))
            .Select(s => new MemberInfo(s.NodeId, s.Url, s.At, string.Empty, false, s.FaultId is null ? "down" : s.State, true));
        var members = registered.Concat(down).OrderBy(m => m.NodeId, StringComparer.Ordinal).ToList();

        return new ClusterSnapshot(leader, candidates, members, tree.Zxid, now) { Heartbeat = heartbeat };
    }

    public static bool SameContent(ClusterSnapshot a, ClusterSnapshot b) => SameMembership(a, b) && a.Heartbeat == b.Heartbeat;

    /// <summary>Same leader, candidates and members: what a change of only the heartbeat leaves alone.</summary>
    public static bool SameMembership(ClusterSnapshot a, ClusterSnapshot b) =>
        a.Leader == b.Leader && a.Candidates.SequenceEqual(b.Candidates) && a.Members.SequenceEqual(b.Members);
}
