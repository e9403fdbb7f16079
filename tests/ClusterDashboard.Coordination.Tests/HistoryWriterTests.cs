using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

public sealed class HistoryWriterTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task A_flood_of_refused_orders_does_not_push_the_leader_changes_out_of_the_history()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "history");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var options = cluster.Options("node-1");
        var observer = cluster.Observe("node-1");
        await Eventually.UntilAsync(_ => Task.FromResult(observer.Client?.State), s => s == ConnectionState.Connected, TimeSpan.FromSeconds(15), "the observer connects");
        var history = new HistoryWriter(observer, new ClusterAcls(options), NullLogger.Instance);
        var now = DateTimeOffset.UtcNow;

        await history.AppendAsync(new HistoryRecord(HistoryRecordType.Leader, "node-1", now, Epoch: 42), CancellationToken.None);
        await history.AppendAsync(new HistoryRecord(HistoryRecordType.Fault, "node-1", now, FaultIds.New(), FaultKind.Pause, 3, IssuedBy: "node-2"), CancellationToken.None);
        // What anyone reaching a node's HTTP port can cause: orders with a wrong key, each refused by its target.
        const int Refused = 2 * HistoryWriter.KeptEvents;
        for (var i = 0; i < Refused; i++)
        {
            await history.AppendAsync(new HistoryRecord(HistoryRecordType.Fault, "node-1", now, FaultIds.New(), FaultKind.Crash, 5, IssuedBy: "node-2", Refusal: FaultRefusal.WrongKey, Reason: "the order did not carry node-1's API key"), CancellationToken.None);
        }

        await using var reader = await ZooKeeperClient.ConnectAsync(options.ClientOptions());
        var children = await reader.GetChildrenAsync(ClusterNode.HistoryPath);
        Assert.Contains(children, c => c.StartsWith(HistoryWriter.EventPrefix, StringComparison.Ordinal));
        // Refusals stay bounded: at most one prune interval beyond what is kept.
        Assert.InRange(children.Count(c => c.StartsWith(HistoryWriter.RefusalPrefix, StringComparison.Ordinal)), HistoryWriter.KeptRefusals, HistoryWriter.KeptRefusals + 100);

        var built = await Eventually.UntilAsync(
            _ => Task.FromResult(ClusterHistoryBuilder.Build(observer.Tree)),
            h => h.Faults.Count(f => !f.CarriedOut) <= HistoryWriter.KeptRefusals + 100,
            TimeSpan.FromSeconds(15),
            "the observer sees the pruned history");
        Assert.Single(built.LeaderChanges, c => c.Epoch == 42 && c.NodeId == "node-1");
        Assert.Single(built.Faults, f => f.CarriedOut && f.Kind == FaultKind.Pause);
    }
}
