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
        var faults = records.Where(r => r.Type == "fault" && r.FaultId is not null && r.FaultKind is not null)
            .Select(r => new FaultEntry(r.FaultId!, r.NodeId, r.FaultKind!.Value, r.DurationSeconds ?? 0, r.At))
            .OrderByDescending(f => f.InjectedAt)
            .ToList();
        var seen = records.Where(r => r.Type == "seen" && r.Epoch is not null)
            .GroupBy(r => r.Epoch!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, DateTimeOffset>)g.GroupBy(r => r.NodeId).ToDictionary(n => n.Key, n => n.Min(r => r.At), StringComparer.Ordinal));
        var changes = records.Where(r => r.Type == "leader" && r.Epoch is not null)
            .Select(r =>
            {
                var seenBy = seen.GetValueOrDefault(r.Epoch!.Value) ?? new Dictionary<string, DateTimeOffset>();
                var anchor = r.PredecessorGoneAt ?? r.At;
                var fault = faults.FirstOrDefault(f => f.InjectedAt <= anchor && anchor - f.InjectedAt < FaultWindow);
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
