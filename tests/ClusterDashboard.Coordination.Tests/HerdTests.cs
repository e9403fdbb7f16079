using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

public sealed class HerdTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task When_the_leader_of_200_leaves_exactly_one_participant_is_notified()
    {
        const int count = 200;
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "herd");
        using var stop = new CancellationTokenSource();
        var clients = new List<ZooKeeperClient>();
        var elections = new List<LeaderElection>();
        var runs = new List<Task>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(5) });
                var election = new LeaderElection("/election", $"node-{i}", null, TimeProvider.System, NullLogger.Instance);
                clients.Add(zk);
                elections.Add(election);
                runs.Add(Task.Run(() => election.RunAsync(zk, stop.Token)));
            }

            await Eventually.UntilAsync(
                _ => Task.FromResult(elections.Count(e => e.State == LeadershipState.Leader) == 1 && elections.Count(e => e.State == LeadershipState.Follower) == count - 1),
                TimeSpan.FromSeconds(60),
                "one leader and 199 followers");
            var leader = elections.Single(e => e.State == LeadershipState.Leader);
            var successor = elections.Single(e => e.Watching == leader.Znode);
            // The leader watches the queue, so its own session's end notifies it too; the herd is about the others.
            var waiting = elections.Where(e => e != leader).ToList();
            var before = waiting.Sum(e => e.WatchNotifications);

            await clients[elections.IndexOf(leader)].CloseAsync();
            await Eventually.UntilAsync(_ => Task.FromResult(successor.State == LeadershipState.Leader), TimeSpan.FromSeconds(20), "the successor leads");
            await clients[elections.IndexOf(successor)].SyncAsync("/election");

            Assert.Equal(1, waiting.Sum(e => e.WatchNotifications) - before);
            Assert.Equal(1, successor.WatchNotifications);
            Assert.Single(elections, e => e.State == LeadershipState.Leader);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var zk in clients)
            {
                await zk.DisposeAsync();
            }

            await Task.WhenAll(runs).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }
}
