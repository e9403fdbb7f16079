using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>Assembles the history from the records nodes append under /history.</summary>
public static class ClusterHistoryBuilder
{
    private static readonly TimeSpan FaultWindow = TimeSpan.FromMinutes(5);

    public static ClusterHistory Build(TreeSnapshot tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var named = tree.ChildrenOf(ClusterNode.HistoryPath)
            .Select(kv => (Id: ZooKeeperPath.Name(kv.Key), Record: HistoryRecord.TryParse(kv.Value.Data)))
            .Where(r => r.Record is not null)
            .ToList();
        var records = named.Select(r => r.Record!).ToList();
        var faults = records.Where(r => r.Type == HistoryRecordType.Fault && r.FaultId is not null)
            .Select(r => new FaultEntry(r.FaultId!, r.NodeId, r.FaultKind, r.DurationSeconds, r.At, r.IssuedBy, r.Refusal, r.Reason, r.Parameters))
            .OrderByDescending(f => f.DecidedAt)
            .ToList();
        // Only a fault that was carried out can have caused a failover.
        var causes = faults.Where(f => f.CarriedOut && f.Kind is not null).ToList();
        var seen = records.Where(r => r.Type == HistoryRecordType.Seen && r.Epoch is not null)
            .GroupBy(r => r.Epoch!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, DateTimeOffset>)g.GroupBy(r => r.NodeId).ToDictionary(n => n.Key, n => n.Min(r => r.At), StringComparer.Ordinal));
        var changes = named.Where(n => n.Record!.Type == HistoryRecordType.Leader && n.Record.Epoch is not null)
            .Select(n =>
            {
                var r = n.Record!;
                var seenBy = seen.GetValueOrDefault(r.Epoch!.Value) ?? new Dictionary<string, DateTimeOffset>();
                var anchor = r.PredecessorGoneAt ?? r.At;
                var fault = causes.FirstOrDefault(f => f.DecidedAt <= anchor && anchor - f.DecidedAt < FaultWindow);
                var lastSeen = seenBy.Count == 0 ? r.At : seenBy.Values.Max();
                return new LeaderChangeEntry(
                    n.Id,
                    r.Epoch.Value,
                    r.NodeId,
                    r.At,
                    r.PredecessorGoneAt,
                    seenBy,
                    fault?.Id,
                    fault is not null && r.PredecessorGoneAt is { } gone ? (gone - fault.DecidedAt).TotalMilliseconds : null,
                    r.PredecessorGoneAt is { } g2 ? (r.At - g2).TotalMilliseconds : null,
                    fault is not null ? (lastSeen - fault.DecidedAt).TotalMilliseconds : null);
            })
            .OrderByDescending(c => c.ElectedAt)
            .ToList();
        return new ClusterHistory(faults, changes);
    }
}
