using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

public sealed class ClusterObserverTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task The_snapshot_follows_the_election_and_the_members_live()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "observer");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = cluster.Start("node-1");
        cluster.Start("node-2");

        var snapshot = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Candidates.Count == 2 && s.Members.Count == 2 && s.Leader?.Since is not null,
            TimeSpan.FromSeconds(15),
            "the observer sees both candidates, both members and the leader's election time");

        Assert.Equal(snapshot.Candidates[0].NodeId, snapshot.Leader!.NodeId);
        Assert.Equal(snapshot.Candidates[0].Sequence, snapshot.Leader.Sequence);
        Assert.Equal(snapshot.Candidates[0].Czxid, snapshot.Leader.Epoch);
        // The view and the leader itself name one token.
        Assert.Equal(cluster.Participants.Single(p => p.Election.NodeId == snapshot.Leader.NodeId).Election.Epoch, snapshot.Leader.Epoch);
        Assert.Equal(snapshot.Candidates[0].Znode, snapshot.Candidates[1].Watching);
        Assert.Single(snapshot.Members, m => m.IsLeader && m.NodeId == snapshot.Leader.NodeId);

        var leader = cluster.Participants.Single(p => p.Election.NodeId == snapshot.Leader.NodeId);
        await leader.StopAsync(CancellationToken.None);
        var after = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Leader is not null && s.Leader.NodeId != leader.Election.NodeId && s.Members.Count == 1,
            TimeSpan.FromSeconds(15),
            "the observer sees the new leader");
        Assert.True(after.Leader!.Epoch > snapshot.Leader.Epoch);
    }

    [Fact]
    public async Task A_crashed_leader_back_before_its_old_session_expired_is_still_named_as_the_leader_its_old_candidate_is()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "replaced");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(10));
        var observer = cluster.Observe();
        var node = cluster.Start("node-1");
        var before = await Eventually.UntilAsync(_ => Task.FromResult(observer.Current), s => s.Leader?.NodeId == "node-1" && s.Members.Count == 1, TimeSpan.FromSeconds(15), "node-1 leads");

        // Its process dies without closing the session and a new one starts 1 s later: the new member znode replaces
        // the old one while the old candidate waits out its 10 s session, still the head of the queue.
        node.Inject("f-0001", Faults.FaultKind.Crash, TimeSpan.FromSeconds(1));
        var window = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Candidates.Count == 2 && s.Candidates[1].Owner != before.Candidates[0].Owner && s.Members.Count == 1,
            TimeSpan.FromSeconds(8),
            "the restarted node-1 queued behind its old candidate");

        Assert.Equal(before.Leader!.Epoch, window.Leader!.Epoch);
        Assert.Equal("node-1", window.Leader.NodeId);
        Assert.Equal(["node-1", "node-1"], window.Candidates.Select(c => c.NodeId));
    }

    [Fact]
    public async Task A_view_that_has_not_applied_what_ZooKeeper_announced_within_its_bound_is_not_live_while_connected_and_answered()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "trailing");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(2));
        var options = cluster.Options("watcher");
        var observer = cluster.Observe();
        await Eventually.UntilAsync(_ => Task.FromResult(observer.Freshness), f => f.Live, TimeSpan.FromSeconds(15), "the view is live");
        // Whatever makes the applier fall behind (a burst of writes on a busy machine), here made certain: the view's
        // own listener holds it while it applies the next change.
        using var release = new ManualResetEventSlim();
        var holding = 0;
        await using var writer = await ZooKeeperClient.ConnectAsync(options.ClientOptions());
        await writer.CreateAsync(options.MembersPath, (string?)null);
        await Eventually.UntilAsync(_ => Task.FromResult(observer.Tree.Nodes.ContainsKey(options.MembersPath)), TimeSpan.FromSeconds(15), "the view has the members parent");
        observer.ZnodeChanged += _ =>
        {
            if (Interlocked.Exchange(ref holding, 1) == 0)
            {
                release.Wait(TimeSpan.FromSeconds(30));
            }
        };
        await writer.CreateAsync(ZooKeeperPath.Combine(options.MembersPath, "not-a-member"), "x");
        await writer.CreateAsync(ZooKeeperPath.Combine(options.MembersPath, "another"), "y");

        try
        {
            var trailing = await Eventually.UntilAsync(_ => Task.FromResult(observer.Freshness), f => !f.Live, TimeSpan.FromSeconds(15), "the trailing view is no longer live");
            Assert.True(trailing.Synced, "connected and synced all along");
            Assert.True(trailing.LastContact <= trailing.ContactBound, "and answered lately");
            Assert.Contains("catching up", trailing.StaleReason, StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
        }

        var caughtUp = await Eventually.UntilAsync(_ => Task.FromResult(observer.Freshness), f => f.Live, TimeSpan.FromSeconds(15), "live again once caught up");
        Assert.Equal(0, caughtUp.Unapplied);
        Assert.True(observer.Tree.Nodes.ContainsKey(ZooKeeperPath.Combine(options.MembersPath, "another")));
    }
}
