using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>The history's records as last parsed, by path and version: a history built again for each new record (a
/// failover writes a few) parses that record, not the hundreds before it. Holds only the records of the latest build.</summary>
public sealed class HistoryRecordCache
{
    private readonly Lock _lock = new();
    private Dictionary<string, (long Mzxid, HistoryRecord? Record)> _parsed = new(StringComparer.Ordinal);

    /// <summary>Each znode with the record it holds, parsed once per version; those that hold none are left out.</summary>
    internal List<(string Id, HistoryRecord Record)> Parse(IEnumerable<KeyValuePair<string, NodeData>> znodes)
    {
        lock (_lock)
        {
            var parsed = new Dictionary<string, (long Mzxid, HistoryRecord? Record)>(_parsed.Count, StringComparer.Ordinal);
            var records = new List<(string Id, HistoryRecord Record)>(_parsed.Count);
            foreach (var (path, node) in znodes)
            {
                if (!_parsed.TryGetValue(path, out var known) || known.Mzxid != node.Stat.Mzxid)
                {
                    known = (node.Stat.Mzxid, HistoryRecord.TryParse(node.Data));
                }

                parsed[path] = known;
                if (known.Record is { } record)
                {
                    records.Add((ZooKeeperPath.Name(path), record));
                }
            }

            _parsed = parsed;
            return records;
        }
    }
}
