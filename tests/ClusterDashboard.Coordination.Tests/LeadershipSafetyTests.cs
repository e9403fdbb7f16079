using System.Text;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>What a leader may and may not do when things go wrong: fenced writes, resign, the leadership policies,
/// observers.</summary>
public sealed class LeadershipSafetyTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static Task UntilAsync(Func<bool> condition, string because) =>
        Eventually.UntilAsync(_ => Task.FromResult(condition()), Deadline, because);

    private static List<LeadershipState> RecordStates(IElectionParticipant election)
    {
        var states = new List<LeadershipState>();
        election.LeadershipChanged += c =>
        {
            lock (states)
            {
                states.Add(c.State);
            }
        };
        return states;
    }

    [Fact]
    public async Task A_leader_paused_past_its_session_timeout_has_its_fenced_write_refused_and_steps_down()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "fence");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(2), heartbeat: TimeSpan.Zero);
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        await using var writer = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        await writer.CreateAsync("/work", "0");

        // The pause lasts until the test heals it, so the stale leader is looked at while it surely still believes.
        first.Inject("f-0000", FaultKind.Pause, TimeSpan.FromSeconds(60));
        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 takes over from the paused leader");
        // Its lease ran out while it slept: whoever asks hears it does not lead, before any timer of its own has run,
        // and is not handed its fencing token either.
        Assert.NotEqual(LeadershipState.Leader, first.Election.State);
        Assert.Null(first.Election.Epoch);
        Assert.Equal(new LeadershipTerm(LeadershipState.Suspended, null), first.Election.Term);

        // Its first act on waking: a fenced write, which must not get through.
        var staleWrite = first.Election.FencedMultiAsync([Operation.SetData("/work", Encoding.UTF8.GetBytes("stale"))]);
        first.Heal();
        var refused = await Assert.ThrowsAsync<NotLeaderException>(() => staleWrite);
        await second.Election.FencedMultiAsync([Operation.SetData("/work", Encoding.UTF8.GetBytes("fresh"))]);

        Assert.Contains("node-1", refused.Message, StringComparison.Ordinal);
        Assert.NotEqual(LeadershipState.Leader, first.Election.State);
        Assert.Equal("fresh", Encoding.UTF8.GetString((await writer.GetDataAsync("/work")).Data));
        await UntilAsync(() => first.Election.State == LeadershipState.Follower, "the old leader rejoins behind");
    }

    [Fact]
    public async Task A_resigning_leader_hands_over_and_queues_at_the_back()
    {
        await using var cluster = new ElectionCluster(await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "resign"), TimeSpan.FromSeconds(4));
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        var epoch = first.Election.Epoch;

        first.Election.Resign();

        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 takes over");
        await UntilAsync(() => first.Election.State == LeadershipState.Follower && first.Election.Watching == second.Election.Znode, "node-1 queues behind node-2");
        Assert.True(second.Election.Epoch > epoch);
        Assert.Throws<NotLeaderException>(() => first.Election.Resign());
    }

    // A silent partition is noticed at the client's read timeout (two thirds of the session) after the server last
    // answered, and the session lives until the server has heard nothing for the whole timeout. A request answered
    // just before the partition fixes both moments: with a 12 s session the client notices at 8 s and the session
    // lasts until 12 s, so a 10 s partition is seen and survived, with 2 s to spare either way.
    private static readonly TimeSpan SurvivableSession = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan SurvivablePartition = TimeSpan.FromSeconds(10);

    private static async Task PartitionAfterAnAnswerAsync(ClusterParticipant participant, TimeSpan duration)
    {
        await participant.Client!.ExistsAsync("/");
        participant.Inject("f-0001", FaultKind.Partition, duration);
    }

    [Fact]
    public async Task Under_the_standard_policy_a_disconnected_leader_is_suspended_and_resumes_with_the_same_epoch()
    {
        await using var cluster = new ElectionCluster(await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "standard"), SurvivableSession);
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader, "node-1 leads");
        var states = RecordStates(leader.Election);
        var epoch = leader.Election.Epoch;

        await PartitionAfterAnAnswerAsync(leader, SurvivablePartition);

        await UntilAsync(() => { lock (states) { return states.SequenceEqual([LeadershipState.Suspended, LeadershipState.Leader]); } }, "suspended, then leader again");
        Assert.Equal(epoch, leader.Election.Epoch);
        Assert.Equal(LeadershipPolicy.Standard, leader.Election.Policy);
    }

    [Fact]
    public async Task Under_the_session_policy_a_partition_past_the_lease_suspends_the_leader_and_a_lost_session_ends_it()
    {
        await using var cluster = new ElectionCluster(await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "session"), TimeSpan.FromSeconds(4), policy: LeadershipPolicy.SessionOnly);
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader, "node-1 leads");
        var states = RecordStates(leader.Election);

        leader.Inject("f-0002", FaultKind.Partition, TimeSpan.FromSeconds(30));

        await UntilAsync(() => { lock (states) { return states.Contains(LeadershipState.Lost); } }, "a lost session ends leadership");
        lock (states)
        {
            // The lease ended it first, while the session might still have been alive.
            Assert.Equal(LeadershipState.Suspended, states[0]);
        }
    }

    [Fact]
    public async Task An_observer_is_a_member_that_never_becomes_a_candidate()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "observer-mode");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        await using var observer = new ClusterParticipant(cluster.Options("watcher") with { Observer = true }, NullLoggerFactory.Instance, TimeProvider.System);
        observer.Start();
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader && observer.Election.State == LeadershipState.Observer, "node-1 leads, the observer observes");
        await using var reader = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString });

        Assert.Single(await reader.GetChildrenAsync("/election"));
        Assert.Equal(NodeState.Observer, MemberPayload.TryParse((await reader.GetDataAsync("/members/watcher")).Data)?.State);
    }

    [Fact]
    public async Task A_follower_whose_candidate_was_deleted_by_hand_never_leads_with_it_and_queues_again_at_the_back()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "deleted-candidate");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        var third = cluster.Start("node-3");
        await UntilAsync(() => third.Election.State == LeadershipState.Follower && third.Election.Watching == second.Election.Znode, "node-3 follows node-2");
        var deleted = second.Election.Znode!;
        var secondStates = RecordStates(second.Election);
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        await operator_.DeleteAsync($"/election/{deleted}");
        await UntilAsync(() => third.Election.Watching == first.Election.Znode, "node-3 now watches the leader");
        first.Election.Resign();

        // node-2 was next in line by its old position, but its candidate is gone: node-3 leads, node-2 queues again.
        await UntilAsync(() => third.Election.State == LeadershipState.Leader, "node-3 takes over");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower && second.Election.Znode != deleted, "node-2 joins again with a new candidate");
        // node-1 resigned and queues again too: its new candidate can be listed a moment before its loop names it.
        await UntilAsync(() => first.Election.State == LeadershipState.Follower && first.Election.Znode is not null, "node-1 queues again");
        lock (secondStates)
        {
            Assert.DoesNotContain(LeadershipState.Leader, secondStates);
        }

        var candidates = SequenceNumber.Order(await operator_.GetChildrenAsync("/election")).Select(c => c.Name).ToList();
        Assert.Equal(third.Election.Znode, candidates[0]);
        Assert.Equal(new[] { first.Election.Znode, second.Election.Znode }.Order(), candidates.Skip(1).Order()); // one each, behind
    }

    [Fact]
    public async Task A_fenced_write_of_a_leader_whose_candidate_went_while_it_was_paused_is_refused_by_the_fence_itself()
    {
        // A short pause, its session alive throughout: only the check of its candidate in the multi can refuse it.
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "fence-check");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(20), heartbeat: TimeSpan.Zero);
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader, "node-1 leads");
        await using var writer = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        await writer.CreateAsync("/work", "0");
        var candidate = leader.Election.Znode!;
        var session = leader.Client!.SessionId;

        leader.Inject("f-0003", FaultKind.Pause, TimeSpan.FromSeconds(60));
        await writer.DeleteAsync($"/election/{candidate}"); // its watch's news waits in the held link
        var write = leader.Election.FencedMultiAsync([Operation.SetData("/work", Encoding.UTF8.GetBytes("stale"))]);
        leader.Heal();

        var refused = await Assert.ThrowsAsync<NotLeaderException>(() => write);
        Assert.Contains($"its candidate {candidate} no longer exists", refused.Message, StringComparison.Ordinal);
        Assert.Equal(session, leader.Client!.SessionId); // the same session: nothing but the fence refused it
        Assert.Equal("0", Encoding.UTF8.GetString((await writer.GetDataAsync("/work")).Data));
    }

    [Theory]
    [InlineData(FaultKind.Partition)]
    [InlineData(FaultKind.Pause)]
    public async Task A_crash_during_another_fault_never_closes_the_session_it_leaves_behind(FaultKind before)
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "crash-after");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(8));
        var node = cluster.Start("node-1");
        await UntilAsync(() => node.Election.State == LeadershipState.Leader, "node-1 leads");
        var candidate = node.Election.Znode!;
        await using var reader = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        var gone = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await reader.ExistsAsync($"/election/{candidate}", e => gone.TrySetResult(TimeProvider.System.GetTimestamp()));
        var disconnected = StateHeard.Next(node.Client!, ConnectionState.Disconnected);
        node.Inject("f-0004", before, TimeSpan.FromSeconds(60));
        if (before == FaultKind.Partition)
        {
            // Past its read timeout it is dialing again, a dial the partition leaves hanging: the crash must kill it too.
            await disconnected.WaitAsync(Deadline);
        }

        var crashed = TimeProvider.System.GetTimestamp();
        node.Inject("f-0005", FaultKind.Crash, TimeSpan.FromMilliseconds(500));

        // It comes back with a new session; the old one was never closed, so its candidate lasts until the server
        // expires it, a session timeout after it last heard from it.
        await UntilAsync(() => node.Election.State is LeadershipState.Leader or LeadershipState.Follower && node.Election.Znode != candidate, "node-1 is back with a new candidate");
        var vanished = await gone.Task.WaitAsync(Deadline);
        var lasted = TimeProvider.System.GetElapsedTime(crashed, vanished);
        // A closed session's candidate goes within milliseconds; an abandoned one at the server's expiry, which here
        // is at least 2.6 s after the crash (8 s after the server last heard it, at most 5.4 s before the crash).
        Assert.True(lasted >= TimeSpan.FromSeconds(1.5), $"the old candidate went {lasted.TotalMilliseconds:F0} ms after the crash: its session was closed, not left to expire");
    }
}
