using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>Assembles the history from the records nodes append under /history.</summary>
public static class ClusterHistoryBuilder
{
    /// <summary>How long after a fault's span its failover may still come: a resign or a leave ends the old leader's
    /// candidate at once, a crash or partition with its session's expiry, which the fault's span must outlast.</summary>
    public static readonly TimeSpan CauseGrace = TimeSpan.FromSeconds(5);

    /// <summary>Sightings later than this after the election are listed but do not count towards the failover's
    /// total: a node that was down and came back sees the leader when it returns, not as part of the failover.</summary>
    public static readonly TimeSpan SeenWindow = TimeSpan.FromSeconds(10);

    /// <summary>The longest a failover's phase can truly take: a dead leader's candidate goes with its session, whose
    /// timeout the server caps (maxSessionTimeout, 40 s by default), and an election takes milliseconds. The times
    /// come from records any client with write access to /history can forge, and from several nodes' clocks; a span
    /// below zero or beyond this is no measurement, so it is left out (null) rather than shown or put in a histogram.
    /// </summary>
    public static readonly TimeSpan LongestPhase = TimeSpan.FromMinutes(10);

    public static ClusterHistory Build(TreeSnapshot tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var named = tree.ChildrenOf(ClusterNode.HistoryPath)
            .Select(kv => (Id: ZooKeeperPath.Name(kv.Key), Record: ParsedPayloads.Of(kv.Value, HistoryRecord.TryParse)))
            .Where(r => r.Record is not null)
            .Select(r => (r.Id, Record: r.Record!))
            .ToList();
        var records = named.Select(r => r.Record).ToList();
        var faults = records.Where(r => r.Type == HistoryRecordType.Fault && r.FaultId is not null)
            .Select(r => new FaultEntry(r.FaultId!, r.NodeId, r.FaultKind, r.DurationSeconds, r.At, r.IssuedBy, r.Refusal, r.Reason, r.Parameters))
            .OrderByDescending(f => f.DecidedAt)
            .ToList();
        // Only a fault that was carried out can have caused a failover.
        var causes = faults.Where(f => f.CarriedOut && f.Kind is not null).ToList();
        var seen = records.Where(r => r.Type == HistoryRecordType.Seen && r.Epoch is not null)
            .GroupBy(r => r.Epoch!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, DateTimeOffset>)g.GroupBy(r => r.NodeId).ToDictionary(n => n.Key, n => n.Min(r => r.At), StringComparer.Ordinal));
        // In term order: epochs (the candidates' creation zxids) rise with every leader, whatever the nodes' clocks say;
        // the history's own sequence breaks a tie (one term recorded twice).
        var elections = named.Where(n => n.Record.Type == HistoryRecordType.Leader && n.Record.Epoch is not null)
            .OrderBy(n => n.Record.Epoch)
            .ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
        var changes = new List<LeaderChangeEntry>(elections.Count);
        for (var i = 0; i < elections.Count; i++)
        {
            var (id, r) = (elections[i].Id, elections[i].Record);
            var previous = i == 0 ? null : elections[i - 1].Record.NodeId;
            var seenBy = seen.GetValueOrDefault(r.Epoch!.Value) ?? new Dictionary<string, DateTimeOffset>();
            var anchor = r.PredecessorGoneAt ?? r.At;
            var fault = previous is null ? null : causes.FirstOrDefault(f => Explains(f, previous, anchor));
            var inTime = seenBy.Values.Where(at => at - r.At <= SeenWindow).ToList();
            var lastSeen = inTime.Count == 0 ? r.At : inTime.Max();
            changes.Add(new LeaderChangeEntry(
                id,
                r.Epoch.Value,
                r.NodeId,
                r.At,
                r.PredecessorGoneAt,
                seenBy,
                fault?.Id,
                fault is not null && r.PredecessorGoneAt is { } gone ? Milliseconds(fault.DecidedAt, gone) : null,
                r.PredecessorGoneAt is { } g2 ? Milliseconds(g2, r.At) : null,
                fault is not null ? Milliseconds(fault.DecidedAt, lastSeen) : null)
            { PreviousNodeId = previous, LastSeenInTime = lastSeen });
        }

        return new ClusterHistory(faults, [.. changes.OrderByDescending(c => c.ElectedAt)]);
    }

    private static double? Milliseconds(DateTimeOffset from, DateTimeOffset to) =>
        to - from is var span && span >= TimeSpan.Zero && span <= LongestPhase ? span.TotalMilliseconds : null;

    // A fault caused a failover only if it hit the node that led and the old leader's candidate went while it lasted
    // (or just after: CauseGrace). The latest such fault is taken (faults are newest first).
    private static bool Explains(FaultEntry fault, string previousLeader, DateTimeOffset gone) =>
        fault.NodeId == previousLeader
        && fault.DecidedAt <= gone
        && gone <= FaultEntry.Later(fault.EndsAt, CauseGrace);
}
