using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Tests;

/// <summary>The in-process notifier between coordination and its subscribers (pages, the hub).</summary>
public sealed class ClusterEventFeedTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_subscriber_that_throws_does_not_stop_the_others_nor_itself()
    {
        var fake = new FakeCoordination();
        using var feed = new ClusterEventFeed(fake, fake, NullLogger<ClusterEventFeed>.Instance);
        var failing = 0;
        var heard = new List<ClusterEvent>();
        using var bad = feed.Subscribe(_ =>
        {
            Interlocked.Increment(ref failing);
            throw new InvalidOperationException("a broken page");
        });
        using var good = feed.Subscribe(e =>
        {
            lock (heard)
            {
                heard.Add(e);
            }

            return Task.CompletedTask;
        });

        fake.Touch(new ZnodeChange("/members/node-2", ZnodeChangeKind.Created, ClusterViews.At));
        fake.Touch(new ZnodeChange("/members/node-3", ZnodeChangeKind.Created, ClusterViews.At));

        await Eventually.UntilAsync(_ => Task.FromResult(Count(heard) == 2 && Volatile.Read(ref failing) == 2), Deadline, "both subscribers hear both changes");
    }

    [Fact]
    public async Task A_leader_change_is_announced_only_when_another_candidate_leads()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        using var feed = new ClusterEventFeed(fake, fake, NullLogger<ClusterEventFeed>.Instance);
        var heard = new List<ClusterEvent>();
        using var subscription = feed.Subscribe(e =>
        {
            lock (heard)
            {
                heard.Add(e);
            }

            return Task.CompletedTask;
        });

        fake.Publish(ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)));
        fake.Publish(ClusterViews.Chain(("node-1", 8), ("node-3", 9)));

        await Eventually.UntilAsync(_ => Task.FromResult(Count(heard) == 3), Deadline, "two views and one leader change");
        var change = Assert.Single(heard.OfType<LeaderChangedEvent>());
        Assert.Equal("node-2", change.Previous?.NodeId);
        Assert.Equal("node-1", change.Current?.NodeId);
        // The join's view, then the failover's leader ahead of its view: what services wait for goes out first.
        Assert.Equal([typeof(SnapshotEvent), typeof(LeaderChangedEvent), typeof(SnapshotEvent)], heard.Select(e => e.GetType()));
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing_more()
    {
        var fake = new FakeCoordination();
        using var feed = new ClusterEventFeed(fake, fake, NullLogger<ClusterEventFeed>.Instance);
        var before = new List<ClusterEvent>();
        var after = new List<ClusterEvent>();
        var gone = feed.Subscribe(e =>
        {
            lock (before)
            {
                before.Add(e);
            }

            return Task.CompletedTask;
        });
        using var stays = feed.Subscribe(e =>
        {
            lock (after)
            {
                after.Add(e);
            }

            return Task.CompletedTask;
        });

        gone.Dispose();
        fake.Touch(new ZnodeChange("/members/node-2", ZnodeChangeKind.Deleted, ClusterViews.At));

        await Eventually.UntilAsync(_ => Task.FromResult(Count(after) == 1), Deadline, "the remaining subscriber hears the change");
        Assert.Empty(before);
    }

    [Fact]
    public void Recent_keeps_leader_local_and_znode_changes_newest_first()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        using var feed = new ClusterEventFeed(fake, fake, NullLogger<ClusterEventFeed>.Instance);

        fake.Touch(new ZnodeChange("/election/" + ClusterViews.Znode("node-2", 7), ZnodeChangeKind.Deleted, ClusterViews.At));
        fake.Publish(ClusterViews.Chain(("node-1", 8)));
        fake.Transition(new LeadershipChange(LeadershipState.Leader, 8, ClusterViews.Znode("node-1", 8), ClusterViews.At));

        Assert.Collection(
            feed.Recent,
            e => Assert.Equal(LeadershipState.Leader, Assert.IsType<LocalStateEvent>(e).Change.State),
            e => Assert.Equal("node-1", Assert.IsType<LeaderChangedEvent>(e).Current?.NodeId),
            e => Assert.Equal(ZnodeChangeKind.Deleted, Assert.IsType<ZnodeEvent>(e).Change.Kind));
    }

    private static int Count(List<ClusterEvent> events)
    {
        lock (events)
        {
            return events.Count;
        }
    }
}
