using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>Assembles the history from the records nodes append under /history.</summary>
public static class ClusterHistoryBuilder
{
    private static readonly TimeSpan FaultWindow = TimeSpan.FromMinutes(5);

    public static ClusterHistory Build(TreeSnapshot tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var records = tree.ChildrenOf(ClusterNode.HistoryPath)
            .Select(kv => HistoryRecord.TryParse(kv.Value.Data))
            .OfType<HistoryRecord>()
            .ToList();
        var faults = records.Where(r => r.Type == HistoryRecordType.Fault && r.FaultId is not null)
            .Select(r => new FaultEntry(r.FaultId!, r.NodeId, r.FaultKind, r.DurationSeconds, r.At, r.IssuedBy, r.Refusal, r.Reason))
            .OrderByDescending(f => f.InjectedAt)
            .ToList();
        // Only a fault that was carried out can have caused a failover.
        var causes = faults.Where(f => f.CarriedOut && f.Kind is not null).ToList();
        var seen = records.Where(r => r.Type == HistoryRecordType.Seen && r.Epoch is not null)
            .GroupBy(r => r.Epoch!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, DateTimeOffset>)g.GroupBy(r => r.NodeId).ToDictionary(n => n.Key, n => n.Min(r => r.At), StringComparer.Ordinal));
        var changes = records.Where(r => r.Type == HistoryRecordType.Leader && r.Epoch is not null)
            .Select(r =>
            {
                var seenBy = seen.GetValueOrDefault(r.Epoch!.Value) ?? new Dictionary<string, DateTimeOffset>();
                var anchor = r.PredecessorGoneAt ?? r.At;
                var fault = causes.FirstOrDefault(f => f.InjectedAt <= anchor && anchor - f.InjectedAt < FaultWindow);
                var lastSeen = seenBy.Count == 0 ? r.At : seenBy.Values.Max();
                return new LeaderChangeEntry(
                    r.Epoch.Value,
                    r.NodeId,
                    r.At,
                    r.PredecessorGoneAt,
                    seenBy,
                    fault?.Id,
                    fault is not null && r.PredecessorGoneAt is { } gone ? (gone - fault.InjectedAt).TotalMilliseconds : null,
                    r.PredecessorGoneAt is { } g2 ? (r.At - g2).TotalMilliseconds : null,
                    fault is not null ? (lastSeen - fault.InjectedAt).TotalMilliseconds : null);
            })
            .OrderByDescending(c => c.ElectedAt)
            .ToList();
        return new ClusterHistory(faults, changes);
    }
}
