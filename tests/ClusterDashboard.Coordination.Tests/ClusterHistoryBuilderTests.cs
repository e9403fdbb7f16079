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
}
