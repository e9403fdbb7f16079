using ClusterDashboard.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

public sealed class ClusterObserverTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task The_snapshot_follows_the_election_and_the_members_live()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "observer");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        await using var observer = new ClusterObserver(cluster.Options("watcher"), NullLoggerFactory.Instance, TimeProvider.System);
        observer.Start();
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
}
