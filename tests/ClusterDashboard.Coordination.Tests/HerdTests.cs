using System.Diagnostics.Metrics;
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
        await using var participants = new Participants(connectString);
        var (clients, elections) = (participants.Clients, participants.Elections);
        for (var i = 0; i < count; i++)
        {
            await participants.StartAsync($"node-{i}");
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

    [Fact]
    public async Task A_follower_that_queued_again_no_longer_watches_its_old_predecessor()
    {
        // Four in a row, each watching the one ahead. The third's candidate is deleted by hand: it queues again at the
        // back, behind the fourth. Its old predecessor (the second) is no longer its business: when that one goes, only
        // the fourth, which now watches it, may be woken.
        const int count = 4;
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "rejoined");
        await using var participants = new Participants(connectString);
        var (clients, elections) = (participants.Clients, participants.Elections);
        await using var operator_ = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString });
        for (var i = 0; i < count; i++)
        {
            var election = await participants.StartAsync($"node-{i}");
            await Eventually.UntilAsync(_ => Task.FromResult(election.State is LeadershipState.Leader or LeadershipState.Follower), TimeSpan.FromSeconds(20), $"node-{i} queues");
        }

        var (second, third, fourth) = (elections[1], elections[2], elections[3]);
        var oldPredecessor = $"/election/{second.Znode}";
        var deleted = third.Znode;
        Assert.Equal(second.Znode, third.Watching);

        await operator_.DeleteAsync($"/election/{deleted}");
        await Eventually.UntilAsync(
            _ => Task.FromResult(third.Znode != deleted && third.Watching == fourth.Znode && fourth.Watching == second.Znode),
            TimeSpan.FromSeconds(20),
            "node-2 queues again behind node-3, which now watches node-1");
        // Asked of the server (wchc): its checkWatches answers yes while any session watches the path, and the
        // fourth does.
        Assert.DoesNotContain(await zookeeper.Cluster.Servers[0].WatchedPathsAsync(clients[2].SessionId), p => p.EndsWith(oldPredecessor, StringComparison.Ordinal));
        var before = third.WatchNotifications;

        await operator_.DeleteAsync(oldPredecessor);
        await Eventually.UntilAsync(_ => Task.FromResult(fourth.Watching == elections[0].Znode), TimeSpan.FromSeconds(20), "node-3 watches node-0");
        await clients[2].SyncAsync("/election"); // any notification for node-2's session has been delivered by now

        Assert.Equal(before, third.WatchNotifications);
    }

    [Fact]
    public async Task After_every_one_of_ten_has_led_a_successor_still_takes_over_with_a_single_read()
    {
        // In a rotation every other session has been ahead of a successor at some time; each may still believe it leads
        // until its marker says otherwise. Those markers must be read along with the queue, not in a second round trip
        // on the failover: the successor's pass sends one multi-read between its predecessor's deletion and leading.
        const int count = 10;
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "rotation");
        var meters = Enumerable.Range(0, count).Select(_ => new OwnMeters()).ToList();
        var multiReads = new int[count];
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "zookeeper.client.request.duration" && meters.Contains(instrument.Meter.Scope))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "zookeeper.operation", Value: "multiRead" })
                {
                    Interlocked.Increment(ref multiReads[meters.IndexOf((OwnMeters)instrument.Meter.Scope!)]);
                }
            }
        });
        listener.Start();
        var participants = new Participants(connectString); // disposed before the meters its clients record into
        var elections = participants.Elections;
        try
        {
            for (var i = 0; i < count; i++)
            {
                await participants.StartAsync($"node-{i}", meters[i]);
            }

            async Task<LeaderElection> SettledAsync()
            {
                await Eventually.UntilAsync(
                    _ => Task.FromResult(elections.Count(e => e.State == LeadershipState.Leader) == 1 && elections.Count(e => e is { State: LeadershipState.Follower, Watching: not null }) == count - 1),
                    TimeSpan.FromSeconds(30),
                    "one leader and nine followers, each watching its predecessor");
                return elections.Single(e => e.State == LeadershipState.Leader);
            }

            for (var round = 0; round <= count; round++)
            {
                var before = await SettledAsync();
                before.Resign();
                await Eventually.UntilAsync(_ => Task.FromResult(elections.Any(e => e != before && e.State == LeadershipState.Leader)), TimeSpan.FromSeconds(20), "a successor leads");
            }

            var leader = await SettledAsync();
            var successor = elections.Single(e => e.Watching == leader.Znode);
            var index = elections.IndexOf(successor);
            var readsBefore = Volatile.Read(ref multiReads[index]);
            var readsWhenLeading = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            successor.LeadershipChanged += c =>
            {
                if (c.State == LeadershipState.Leader)
                {
                    readsWhenLeading.TrySetResult(Volatile.Read(ref multiReads[index]));
                }
            };

            leader.Resign();

            Assert.Equal(1, await readsWhenLeading.Task.WaitAsync(TimeSpan.FromSeconds(20)) - readsBefore);
        }
        finally
        {
            await participants.DisposeAsync();
            meters.ForEach(m => m.Dispose());
        }
    }

    /// <summary>Participants of one test, each on its own session, stopped and closed together.</summary>
    private sealed class Participants(string connectString) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _runs = [];

        public List<ZooKeeperClient> Clients { get; } = [];

        public List<LeaderElection> Elections { get; } = [];

        public async Task<LeaderElection> StartAsync(string nodeId, IMeterFactory? meters = null)
        {
            var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(5), MeterFactory = meters });
            var election = new LeaderElection("/election", nodeId, null, TimeProvider.System, NullLogger.Instance);
            Clients.Add(zk);
            Elections.Add(election);
            _runs.Add(Task.Run(() => election.RunAsync(zk, _stop.Token)));
            return election;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            foreach (var zk in Clients)
            {
                await zk.DisposeAsync();
            }

            await Task.WhenAll(_runs).ContinueWith(static _ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }

    /// <summary>A meter factory of one participant's own, so its requests can be told from the others'.</summary>
    private sealed class OwnMeters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
