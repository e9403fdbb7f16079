using System.Text;
using ClusterDashboard.Coordination.FaultLinks;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>
/// The windows in which a participant could believe it leads while another does, or leave the election without a
/// leader, each opened on purpose with the fault that opens it. Each test is named after the bug it pins.
/// </summary>
public sealed class LeadershipWindowTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static Task UntilAsync(Func<bool> condition, string because) =>
        Eventually.UntilAsync(_ => Task.FromResult(condition()), Deadline, because);

    // Starts node-1..node-count one after another, node-1 leading and each other following, all watched by recorder.
    private static async Task<ClusterParticipant[]> StartQueuedAsync(ElectionCluster cluster, LeadershipRecorder recorder, int count)
    {
        var started = new List<ClusterParticipant>();
        for (var i = 1; i <= count; i++)
        {
            var participant = cluster.Start($"node-{i}");
            recorder.Watch(participant.Election, $"node-{i}");
            var wanted = i == 1 ? LeadershipState.Leader : LeadershipState.Follower;
            await UntilAsync(() => participant.Election.State == wanted, $"node-{i} is {wanted}");
            started.Add(participant);
        }

        return [.. started];
    }

    private static List<LeadershipChange> RecordChanges(IElectionParticipant election)
    {
        var changes = new List<LeadershipChange>();
        election.LeadershipChanged += c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }
        };
        return changes;
    }

    [Theory]
    [InlineData(LeadershipPolicy.Standard)]
    [InlineData(LeadershipPolicy.SessionOnly)]
    public async Task A_silently_partitioned_leader_stops_acting_before_its_successor_is_elected(LeadershipPolicy policy)
    {
        // CURATOR-460: under SessionOnly the old leader used to lead until its client gave the session up, seconds
        // after the servers had expired it and elected the successor. The lease ends it first, under both policies.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "silent-leader");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4), policy);
        var recorder = new LeadershipRecorder();
        var first = cluster.Start("node-1");
        recorder.Watch(first.Election, "node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        recorder.Watch(second.Election, "node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");

        first.Inject("f-0001", FaultKind.Partition, TimeSpan.FromSeconds(60));
        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 takes over once node-1's session expires");

        Assert.Empty(recorder.Overlaps());
        Assert.NotEqual(LeadershipState.Leader, first.Election.State);
        first.Heal();
        await UntilAsync(() => first.Election.State == LeadershipState.Follower, "node-1 queues again behind");
        Assert.Empty(recorder.Overlaps());
    }

    [Fact]
    public async Task Under_the_session_policy_a_leader_rides_out_a_reset_connection_it_resumes_within_its_lease()
    {
        // What SessionOnly is for: a connection that drops and comes straight back (a server restart) does not cost a
        // failover, since the session and the lease outlive it.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "session-reset");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(8), LeadershipPolicy.SessionOnly);
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader, "node-1 leads");
        var changes = RecordChanges(leader.Election);
        var client = leader.Client!;
        var disconnected = StateHeard.Next(client, ConnectionState.Disconnected);

        leader.Drill.Link.ResetConnections();
        await disconnected.WaitAsync(Deadline);
        await client.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(Deadline);
        await client.SyncAsync("/");

        lock (changes)
        {
            Assert.Empty(changes);
        }

        Assert.Equal(LeadershipState.Leader, leader.Election.State);
    }

    [Fact]
    public async Task A_session_with_a_second_candidate_of_its_own_removes_it_so_the_queue_never_heads_to_a_candidate_nobody_leads_for()
    {
        // An orphan: a create retried after a lost connection that landed after all leaves the session a second
        // candidate nobody tracks. Here the stray is made directly with the participant's own session.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "orphan");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        var stray = ZooKeeperPath.Name((await second.Client!.CreateAsync("/election/_c_stray-n_", Encoding.UTF8.GetBytes("{}"), CreateMode.EphemeralSequential)).Path);
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        // node-2's tracked candidate goes; the stray, created after it, is now its session's only one.
        await operator_.DeleteAsync($"/election/{second.Election.Znode}");

        await first.StopAsync(CancellationToken.None);

        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 leads: the stray did not take its place at the head");
        Assert.DoesNotContain(stray, await operator_.GetChildrenAsync("/election"));
        Assert.Equal([$"/election/{second.Election.Znode}"], await second.Client!.GetEphemeralsAsync("/election/"));
    }

    [Fact]
    public async Task The_fencing_token_rises_even_after_the_election_parent_is_deleted_and_its_numbers_start_over()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "token-restart");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var (firstToken, firstZnode) = (first.Election.Epoch!.Value, first.Election.Znode!);
        await first.StopAsync(CancellationToken.None);
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        await operator_.DeleteAsync("/election");

        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 leads under a new election parent");

        Assert.Equal(SequenceNumber.Parse(firstZnode), SequenceNumber.Parse(second.Election.Znode!)); // the numbers started over
        Assert.True(second.Election.Epoch > firstToken, $"token {second.Election.Epoch} must exceed {firstToken}");
    }

    [Fact]
    public async Task A_successor_does_not_lead_while_the_leader_whose_candidate_was_deleted_from_outside_has_not_heard_of_it()
    {
        // The deletion reaches the successor and the old leader's own session separately. With the old leader's
        // notifications held up (here: nothing reaches it for 1.5 s, well within its lease) the successor used to lead
        // at once while the old leader still believed it led. Now it waits for the old session to let go.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "deleted-unaware");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(6));
        var recorder = new LeadershipRecorder();
        var queued = await StartQueuedAsync(cluster, recorder, 2);
        var (first, second) = (queued[0], queued[1]);
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        first.Inject("f-0003", FaultKind.PartitionOneWay, TimeSpan.FromSeconds(1.5), new FaultParameters(LinkDirection.Downstream));
        await operator_.DeleteAsync($"/election/{first.Election.Znode}");

        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 takes over once node-1 has let go");
        Assert.Empty(recorder.Overlaps());
        await UntilAsync(() => first.Election.State == LeadershipState.Follower, "node-1 queues again behind");
        Assert.Empty(recorder.Overlaps());
    }

    [Fact]
    public async Task A_follower_two_back_still_waits_for_an_unaware_leader_after_the_head_between_them_leaves()
    {
        // node-1 leads; its candidate is deleted while nothing reaches it. node-2, now at the head, waits for it. node-3
        // used to forget node-1 on its next look at the queue (a reconnect, here) that no longer listed it, and led as
        // soon as node-2 left, while node-1 still believed it led.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "two-back");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(6));
        var recorder = new LeadershipRecorder();
        var queued = await StartQueuedAsync(cluster, recorder, 3);
        var (first, second, third) = (queued[0], queued[1], queued[2]);
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        first.Inject("f-0004", FaultKind.PartitionOneWay, TimeSpan.FromSeconds(3), new FaultParameters(LinkDirection.Downstream));
        await operator_.DeleteAsync($"/election/{first.Election.Znode}");
        await UntilAsync(() => second.Election is { State: LeadershipState.Follower, Watching: null }, "node-2 heads the queue and waits for node-1");
        var thirdClient = third.Client!;
        var reconnected = StateHeard.Next(thirdClient, ConnectionState.Connected);
        third.Drill.Link.ResetConnections();
        await reconnected.WaitAsync(Deadline);
        await thirdClient.SyncAsync("/"); // its pass after the reconnect has listed the queue without node-1
        await second.StopAsync(CancellationToken.None);

        await UntilAsync(() => third.Election.State == LeadershipState.Leader, "node-3 takes over once node-1 has let go");
        Assert.Empty(recorder.Overlaps());
    }

    [Fact]
    public async Task A_follower_whose_candidate_is_deleted_from_outside_queues_again_at_once_instead_of_following_from_outside_the_queue()
    {
        // It used to learn of it only when its predecessor moved: until then it reported itself a follower while it was
        // not in the election at all, and could never take over.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "follower-deleted");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(6));
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        var deleted = second.Election.Znode!;
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        await operator_.DeleteAsync($"/election/{deleted}");

        await UntilAsync(() => second.Election is { State: LeadershipState.Follower, Znode: { } now } && now != deleted, "node-2 follows with a new candidate");
        Assert.Contains(second.Election.Znode!, await operator_.GetChildrenAsync("/election"));
        Assert.Equal(LeadershipState.Leader, first.Election.State);
    }

    [Fact]
    public async Task A_follower_whose_predecessor_goes_just_before_it_sets_its_watch_leaves_no_watch_behind_on_the_gone_name()
    {
        // An exists watch set on a name already gone stays on the server for the session, and is set again on every
        // reconnect, for a znode that will never be created again. getData sets none.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "stale-watch");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(20), heartbeat: TimeSpan.Zero);
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        var predecessor = $"/election/{first.Election.Znode}";
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        // One second each way on node-2's link: woken by a change to its predecessor, it lists the queue 2 s later and
        // sets its new watch 4 s later. The predecessor leaves in between, at 3 s.
        second.Inject("f-0002", FaultKind.Latency, TimeSpan.FromSeconds(60), new FaultParameters(LatencyMs: 1000));
        await second.Client!.SyncAsync("/"); // the latency is in force
        await operator_.SetDataAsync(predecessor, Encoding.UTF8.GetBytes("{}"));
        await Task.Delay(TimeSpan.FromSeconds(3)); // a point in the schedule above, not a wait for a condition
        await first.StopAsync(CancellationToken.None);

        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 leads");
        Assert.False(await second.Client!.CheckWatchesAsync(predecessor, WatcherType.Data), "a watch is left on the gone predecessor");
        second.Heal();
    }

    [Fact]
    public async Task A_leader_crashed_with_a_fenced_write_in_flight_stays_lost_and_never_returns_to_suspended_with_its_old_candidate()
    {
        // Seen after a pause: the write's ConnectionLoss came after the session was declared lost, and set the old
        // candidate back as Suspended.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "lost-stays-lost");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(20), heartbeat: TimeSpan.Zero);
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader, "node-1 leads");
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        await operator_.CreateAsync("/work", "0");
        var candidate = leader.Election.Znode!;
        leader.Inject("f-0003", FaultKind.Latency, TimeSpan.FromSeconds(60), new FaultParameters(LatencyMs: 2000));
        var changes = RecordChanges(leader.Election);

        var write = leader.Election.FencedMultiAsync([Operation.SetData("/work", Encoding.UTF8.GetBytes("1"))]);
        leader.Inject("f-0004", FaultKind.Crash, TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAsync<NotLeaderException>(() => write);
        await UntilAsync(() => leader.Election.State is LeadershipState.Leader or LeadershipState.Follower && leader.Election.Znode != candidate, "node-1 is back with a new candidate");

        lock (changes)
        {
            var lost = changes.FindIndex(c => c.State == LeadershipState.Lost);
            Assert.True(lost >= 0, "the crash ended the session");
            Assert.DoesNotContain(changes.Skip(lost), c => c.Znode == candidate);
        }
    }

    [Fact]
    public async Task A_state_decided_from_outside_is_not_overwritten_by_a_pass_of_the_loop_still_running()
    {
        // A leave (or crash) sets the state from outside while the loop may be mid-pass; that pass must not undo it.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "outside-state");
        await using var leaderClient = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(10) });
        await using var followerClient = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(10) });
        var leader = new LeaderElection("/election", "node-1", null, TimeProvider.System, NullLogger.Instance);
        var follower = new LeaderElection("/election", "node-2", null, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var leading = Task.Run(() => leader.RunAsync(leaderClient, stop.Token));
        await UntilAsync(() => leader.State == LeadershipState.Leader, "node-1 leads");
        var following = Task.Run(() => follower.RunAsync(followerClient, stop.Token));
        await UntilAsync(() => follower.State == LeadershipState.Follower, "node-2 follows");
        var predecessor = $"/election/{leader.Znode}";
        var woken = follower.WatchNotifications;

        follower.SetState(LeadershipState.Left);
        // The loop still runs: wake it with a change to its predecessor, and let it finish a pass (it sets its watch again).
        await leaderClient.SetDataAsync(predecessor, Encoding.UTF8.GetBytes("{}"));
        await UntilAsync(() => follower.WatchNotifications > woken, "node-2's loop is woken");
        // Asked per session (wchc): checkWatches would say yes for node-1's own watch on its candidate.
        await Eventually.UntilAsync(
            async ct => (await zookeeper.Cluster.Servers[0].WatchedPathsAsync(followerClient.SessionId, ct)).Any(p => p.EndsWith(predecessor, StringComparison.Ordinal)),
            Deadline,
            "node-2's pass set its watch again");

        Assert.Equal(LeadershipState.Left, follower.State);
        await stop.CancelAsync();
        await Task.WhenAll(leading, following).ContinueWith(static _ => { }, TaskScheduler.Default);
    }
}
