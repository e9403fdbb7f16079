using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>
/// A failover sets off a dozen writes that only record it: the new leader's status, member state, history record and
/// first heartbeat, every node's record of having seen it, the resigned leader's new candidate. They wait
/// (<see cref="ClusterNodeOptions.FollowUpDelay"/>), so their commits and notifications do not compete with the change
/// on its way to every view; a node stepping down still says so at once.
/// </summary>
public sealed class FollowUpWritesTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_failover_reaches_every_view_before_the_writes_that_only_follow_it()
    {
        // A delay longer than the test: whatever it holds back must not be there when the views have the new leader.
        await using var cluster = await StartAsync(TimeSpan.FromMinutes(1));
        var (old, successor) = await AgreedAsync(cluster);
        var epochBefore = successor.Observer.Current.Leader!.Epoch;

        old.Election.Resign();
        foreach (var node in cluster.Nodes)
        {
            await Eventually.UntilAsync(_ => Task.FromResult(node.Observer.Current.Leader), l => l?.NodeId == successor.Options.NodeId, Bound, $"{node.Options.NodeId}'s view names {successor.Options.NodeId}");
        }

        var epoch = successor.Observer.Current.Leader!.Epoch;
        Assert.True(epoch > epochBefore);
        await using var reader = await ZooKeeperClient.ConnectAsync(old.Options.ClientOptions());
        // The old leader says at once that it stopped leading, so no view sees two believers for long.
        await Eventually.UntilAsync(
            async ct => NodeStatus.TryParse((await reader.GetDataAsync(StatusOf(old), cancellationToken: ct)).Data),
            s => s is { Believes: not NodeState.Leader },
            Bound,
            "the old leader's status says it no longer leads");

        await reader.SyncAsync("/");
        var candidates = await reader.GetChildrenAsync(old.Options.ElectionPath);
        Assert.Single(candidates); // the resigned leader has not queued again yet
        var status = NodeStatus.TryParse((await reader.GetDataAsync(StatusOf(successor))).Data);
        Assert.NotEqual(NodeState.Leader, status?.Believes);
        var member = MemberPayload.TryParse((await reader.GetDataAsync(ZooKeeperPath.Combine(successor.Options.MembersPath, successor.Options.NodeId))).Data);
        Assert.NotEqual(NodeState.Leader, member?.State);
        var beat = await reader.ExistsAsync(successor.Options.HeartbeatPath) is null ? null : HeartbeatInfo.TryParse((await reader.GetDataAsync(successor.Options.HeartbeatPath)).Data);
        Assert.NotEqual(epoch, beat?.Epoch);
        var history = ClusterHistoryBuilder.Build(successor.Observer.Tree);
        Assert.DoesNotContain(history.LeaderChanges, c => c.Epoch == epoch);
    }

    [Fact]
    public async Task The_writes_that_follow_a_failover_all_land()
    {
        await using var cluster = await StartAsync(ClusterNodeOptions.DefaultFollowUpDelay);
        var (old, successor) = await AgreedAsync(cluster);

        old.Election.Resign();
        var leader = await Eventually.UntilAsync(_ => Task.FromResult(old.Observer.Current.Leader), l => l?.NodeId == successor.Options.NodeId, Bound, "the views name the successor");
        await using var reader = await ZooKeeperClient.ConnectAsync(old.Options.ClientOptions());

        await Eventually.UntilAsync(_ => Task.FromResult(old.Observer.Current.Candidates), c => c.Count == 2 && c[^1].NodeId == old.Options.NodeId, Bound, "the resigned leader queues again at the back");
        await Eventually.UntilAsync(async ct => NodeStatus.TryParse((await reader.GetDataAsync(StatusOf(successor), cancellationToken: ct)).Data), s => s is { Believes: NodeState.Leader } && s.Epoch == leader!.Epoch, Bound, "the successor's status says it leads");
        await Eventually.UntilAsync(async ct => MemberPayload.TryParse((await reader.GetDataAsync(ZooKeeperPath.Combine(successor.Options.MembersPath, successor.Options.NodeId), cancellationToken: ct)).Data), m => m?.State == NodeState.Leader, Bound, "the successor's member znode says it leads");
        await Eventually.UntilAsync(async ct => HeartbeatInfo.TryParse((await reader.GetDataAsync(successor.Options.HeartbeatPath, cancellationToken: ct)).Data), b => b?.NodeId == successor.Options.NodeId && b.Epoch == leader!.Epoch, Bound, "the successor beats");
        await Eventually.UntilAsync(
            _ => Task.FromResult(ClusterHistoryBuilder.Build(old.Observer.Tree)),
            h => h.LeaderChanges.Any(c => c.Epoch == leader!.Epoch && c.NodeId == successor.Options.NodeId),
            Bound,
            "the history records the successor's term");
    }

    private static string StatusOf(ClusterNode node) => ZooKeeperPath.Combine(ClusterNode.StatusPath, node.Options.NodeId);

    private async Task<NodeSet> StartAsync(TimeSpan followUpDelay)
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "follow-up");
        var nodes = new NodeSet();
        await using var participants = new ElectionCluster(connectString, TimeSpan.FromSeconds(4)); // only its options
        for (var i = 1; i <= 2; i++)
        {
            var node = new ClusterNode(participants.Options($"node-{i}") with { FollowUpDelay = followUpDelay }, NullLoggerFactory.Instance, TimeProvider.System);
            nodes.Nodes.Add(node);
            await node.StartAsync(CancellationToken.None);
        }

        return nodes;
    }

    // The leader, once both nodes' views name it and a second candidate is queued behind it, and that second one.
    private static async Task<(ClusterNode Leader, ClusterNode Successor)> AgreedAsync(NodeSet cluster)
    {
        var leaderId = await Eventually.UntilAsync(
            _ => Task.FromResult(cluster.Nodes.Select(n => n.Observer.Current).ToList()),
            views => views.All(v => v.Candidates.Count == 2 && v.Leader is { } l && l.NodeId == views[0].Leader!.NodeId)
                && cluster.Nodes.Any(n => n.Election.State == LeadershipState.Leader && n.Options.NodeId == views[0].Leader!.NodeId),
            Bound,
            "both nodes queued and agreed on a leader");
        var leader = cluster.Nodes.Single(n => n.Options.NodeId == leaderId[0].Leader!.NodeId);
        return (leader, cluster.Nodes.Single(n => n != leader));
    }

    private sealed class NodeSet : IAsyncDisposable
    {
        public List<ClusterNode> Nodes { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var node in Nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
