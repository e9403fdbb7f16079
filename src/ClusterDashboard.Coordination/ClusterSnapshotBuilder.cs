using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>Derives the cluster view from the cached znodes: the queue order, the leader it implies, who watches
/// whom, and each member's role.</summary>
public static class ClusterSnapshotBuilder
{
    internal static ClusterSnapshot Build(ClusterNodeOptions options, TreeSnapshot tree, DateTimeOffset now)
    {
        var heartbeat = tree.Nodes.TryGetValue(options.HeartbeatPath, out var beat) ? ParsedPayloads.Of(beat, HeartbeatInfo.TryParse) : null;
        var queue = Queue(options, tree);
        // A node registers as a member and then queues, both on its participant session. So a candidate whose payload
        // names a node with a member znode is that node's only if its session owns the member znode, or is the session
        // that member znode replaced (a restarted node's previous process, whose candidate waits out its session):
        // anyone with write access to the election can make a candidate that says node-2, and the view must not then
        // name the running node-2 as leader while it follows. A member znode that is gone is no evidence either way: a
        // session's ephemerals go in one transaction, but the view applies them one at a time, so for a moment the
        // candidate is there without its member. (A full load reads the election before the members, so it never
        // pairs a candidate with a member znode older than the one that replaced it.)
        var memberZnodes = tree.ChildrenOf(options.MembersPath)
            .Select(kv => (Name: ZooKeeperPath.Name(kv.Key), Owner: kv.Value.Stat.EphemeralOwner, Member: ParsedPayloads.Of(kv.Value, MemberPayload.TryParse)))
            .Where(m => m.Member?.NodeId == m.Name)
            .ToList();
        var memberSessions = memberZnodes
            .Where(m => m.Owner != 0)
            .ToDictionary(m => m.Name, m => (m.Owner, m.Member!.Replaced), StringComparer.Ordinal);
        var candidates = new List<CandidateInfo>(queue.Candidates.Count);
        for (var i = 0; i < queue.Candidates.Count; i++)
        {
            var (name, sequence, czxid) = queue.Candidates[i];
            var znode = tree.Nodes[ZooKeeperPath.Combine(options.ElectionPath, name)];
            var payload = ParsedPayloads.Of(znode, CandidatePayload.TryParse) is { } claim
                && (!memberSessions.TryGetValue(claim.NodeId, out var member) || member.Owner == znode.Stat.EphemeralOwner || member.Replaced == znode.Stat.EphemeralOwner)
                ? claim
                : null;
            candidates.Add(new CandidateInfo(name, sequence, payload?.NodeId, payload?.Url, i == 0, i == 0 ? null : queue.Candidates[i - 1].Name) { Czxid = czxid, Owner = znode.Stat.EphemeralOwner });
        }

        LeaderInfo? leader = null;
        if (candidates.Count > 0)
        {
            var first = candidates[0];
            // Only the leader's own heartbeat, for this very term, says since when it leads.
            var since = heartbeat is not null && heartbeat.Epoch == first.Czxid ? heartbeat.LeaderSince : (DateTimeOffset?)null;
            leader = new LeaderInfo(first.NodeId ?? first.Znode, first.Url, first.Czxid, first.Znode, since) { Sequence = first.Sequence };
        }

        // A status or member znode speaks for the node it is named after, and only for it: one that claims another
        // node's id is not that node's (and two claiming one id must not both count).
        var statuses = tree.ChildrenOf(ClusterNode.StatusPath)
            .Select(kv => (Name: ZooKeeperPath.Name(kv.Key), Status: ParsedPayloads.Of(kv.Value, NodeStatus.TryParse)))
            .Where(s => s.Status?.NodeId == s.Name)
            .ToDictionary(s => s.Name, s => s.Status!, StringComparer.Ordinal);
        var registered = memberZnodes
            .Select(m => m.Member!)
            .Select(m =>
            {
                var isLeader = leader?.NodeId == m.NodeId;
                statuses.TryGetValue(m.NodeId, out var status);
                // A fault the node reports wins; otherwise the queue says who leads, since a member's own published
                // state may lag behind it.
                var state = status switch
                {
                    { FaultId: not null } => status.State,
                    { State: NodeState.Suspended or NodeState.Lost or NodeState.Observer } => status.State,
                    _ => isLeader ? NodeState.Leader : m.State == NodeState.Leader ? NodeState.Follower : m.State,
                };
                return new MemberInfo(m.NodeId, NodeUrls.IsValid(m.Url) ? m.Url : null, m.StartedAt, m.Version, isLeader, state, status is not null, status?.Faults);
            })
            .ToList();
        var down = statuses.Values
            .Where(s => registered.All(m => m.NodeId != s.NodeId))
            .Select(s => new MemberInfo(s.NodeId, NodeUrls.IsValid(s.Url) ? s.Url : null, s.At, string.Empty, false, s.FaultId is null ? NodeState.Down : s.State, true, s.Faults));
        var members = registered.Concat(down).OrderBy(m => m.NodeId, StringComparer.Ordinal).ToList();

        // Each node's belief exactly as it published it: never corrected to match the queue (that is the point).
        var beliefs = statuses.Values
            .Where(s => s.Believes is not null)
            .Select(s => new NodeBelief(s.NodeId, s.Believes!.Value, s.Epoch, s.At))
            .OrderBy(b => b.NodeId, StringComparer.Ordinal)
            .ToList();

        return new ClusterSnapshot(leader, candidates, members, tree.Zxid, now) { Heartbeat = heartbeat, Foreign = queue.Foreign, Beliefs = beliefs };
    }

    // The same rule the participants decide by, on the cached stats: so the view names the leader the leader believes.
    private static CandidateQueue Queue(ClusterNodeOptions options, TreeSnapshot tree)
    {
        var children = tree.ChildrenOf(options.ElectionPath)
            .Select(kv => new ElectionChild(ZooKeeperPath.Name(kv.Key), kv.Value.Stat.Czxid, kv.Value.Stat.EphemeralOwner));
        return CandidateQueue.Build(children);
    }

    // Beliefs carry when they were published, so every status rewrite changes them: they count as content (the page
    // shows them), not as a membership change that sends the queue and the members to every hub client again.
    public static bool SameContent(ClusterSnapshot a, ClusterSnapshot b) => SameMembership(a, b) && a.Heartbeat == b.Heartbeat && a.Beliefs.SequenceEqual(b.Beliefs);

    /// <summary>Same leader, candidates and members: what a change of only the heartbeat leaves alone.</summary>
    public static bool SameMembership(ClusterSnapshot a, ClusterSnapshot b) =>
        a.Leader == b.Leader && a.Candidates.SequenceEqual(b.Candidates) && a.Members.SequenceEqual(b.Members) && a.Foreign.SequenceEqual(b.Foreign);
}
