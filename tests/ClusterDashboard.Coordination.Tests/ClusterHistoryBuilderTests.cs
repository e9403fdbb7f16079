using System.Collections.Frozen;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>Which fault a failover is blamed on, and how long it is said to have taken.</summary>
public sealed class ClusterHistoryBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static ClusterHistory Build(params HistoryRecord[] records)
    {
        var nodes = records.Select((r, i) => ($"{ClusterNode.HistoryPath}/h-{i:D10}", new NodeData(r.ToBytes(), new Stat(i + 1, i + 1, 0, 0, 0, 0, 0, 0, 0, 0, i + 1))))
            .Append((ClusterNode.HistoryPath, new NodeData([], new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, records.Length, records.Length))));
        return ClusterHistoryBuilder.Build(new TreeSnapshot(records.Length, nodes.ToFrozenDictionary(n => n.Item1, n => n.Item2, StringComparer.Ordinal)));
    }

    private static HistoryRecord Fault(string id, string node, FaultKind kind, int seconds, double at) =>
        new(HistoryRecordType.Fault, node, T0.AddSeconds(at), FaultId: id, FaultKind: kind, DurationSeconds: kind.HasDuration() ? seconds : null, IssuedBy: "node-2");

    private static HistoryRecord Elected(string node, long epoch, double at, double? goneAt = null) =>
        new(HistoryRecordType.Leader, node, T0.AddSeconds(at), Epoch: epoch, PredecessorGoneAt: goneAt is { } g ? T0.AddSeconds(g) : null);

    private static HistoryRecord Seen(string node, long epoch, double at) => new(HistoryRecordType.Seen, node, T0.AddSeconds(at), Epoch: epoch);

    [Fact]
    public void A_failover_is_blamed_on_a_fault_at_the_old_leader_whose_span_it_fell_in()
    {
        var history = Build(
            Elected("node-3", 1, 0),
            Fault("f-c1", "node-3", FaultKind.Crash, 10, 100),
            Elected("node-1", 2, 106.1, goneAt: 106));

        var failover = history.LeaderChanges[0];
        Assert.Equal(("node-1", "node-3", "f-c1"), (failover.NodeId, failover.PreviousNodeId, failover.FaultId));
        Assert.Equal(6000, failover.DetectionMs!.Value, 1);
    }

    [Fact]
    public void A_fault_at_another_node_or_long_before_is_no_cause_and_the_failover_is_unplanned()
    {
        // A leave of node-1 (a follower), and 60 s later the leader node-3 dies unasked (kill -9).
        var history = Build(
            Elected("node-3", 1, 0),
            Fault("f-1ea", "node-1", FaultKind.Leave, 5, 10),
            Elected("node-2", 2, 75.1, goneAt: 75),
            Fault("f-01d", "node-2", FaultKind.Resign, 0, 80),
            Elected("node-1", 3, 200.1, goneAt: 200));

        Assert.All(history.LeaderChanges, c => Assert.Null(c.FaultId));
        Assert.All(history.LeaderChanges, c => Assert.Null(c.TotalFailoverMs));
        Assert.Equal(["node-2", "node-3", null], history.LeaderChanges.Select(c => c.PreviousNodeId));
    }

    [Fact]
    public void A_node_that_sees_the_leader_when_it_comes_back_later_does_not_stretch_the_failover()
    {
        var history = Build(
            Elected("node-3", 1, 0),
            Fault("f-2e5", "node-3", FaultKind.Resign, 0, 100),
            Elected("node-1", 2, 100.05, goneAt: 100.04),
            Seen("node-1", 2, 100.06),
            Seen("node-2", 2, 100.2),
            Seen("node-3", 2, 175)); // restarted a minute later

        var failover = history.LeaderChanges[0];
        Assert.Equal("f-2e5", failover.FaultId);
        Assert.Equal(200, failover.TotalFailoverMs!.Value, 1);
        Assert.Equal(3, failover.SeenBy.Count); // still listed
    }

    [Fact]
    public void Timings_from_forged_or_skewed_records_beyond_any_real_failover_are_left_out_not_shown()
    {
        // Anyone who can write /history can append records with any times: here a successor "told it led" a year after
        // its predecessor went, and a successor told (and seen) before its predecessor went, before the fault even.
        var history = Build(
            Elected("node-3", 1, 0),
            Fault("f-0a1", "node-3", FaultKind.Resign, 0, 100),
            Elected("node-1", 2, 100 + (365 * 86_400), goneAt: 100.01),
            Fault("f-0a2", "node-1", FaultKind.Resign, 0, 200),
            Elected("node-2", 3, 199, goneAt: 200.01),
            Seen("node-3", 3, 199.5),
            Fault("f-0a3", "node-2", FaultKind.Resign, 0, 300),
            Elected("node-3", 4, 300.02, goneAt: 300.01),
            Seen("node-1", 4, 300.05));

        var byFault = history.LeaderChanges.Where(c => c.PreviousNodeId is not null).ToDictionary(c => c.FaultId ?? "none");
        var (absurd, backwards, honest) = (byFault["f-0a1"], byFault["f-0a2"], byFault["f-0a3"]);
        Assert.Null(absurd.ElectionMs);
        Assert.Equal(10, absurd.DetectionMs!.Value, 1); // the span the record does not forge still counts
        Assert.Null(absurd.TotalFailoverMs);
        Assert.Null(backwards.ElectionMs);
        Assert.Null(backwards.TotalFailoverMs);
        Assert.Equal(10, honest.DetectionMs!.Value, 1);
        Assert.Equal(10, honest.ElectionMs!.Value, 1);
        Assert.Equal(50, honest.TotalFailoverMs!.Value, 1);
    }
}
