using System.Text;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>Children of the election parent put there by hand with the cluster's own credentials (with them, nobody
/// else can), named to cheat the queue: the participants and the view both queue them where they were made, so none
/// jumps ahead of a candidate made before it, nobody believes it leads while the view names another, and the leader's
/// epoch only goes up.</summary>
public sealed class ForgedCandidateTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<ClusterParticipant> LeaderAsync(ElectionCluster cluster, string nodeId)
    {
        var node = cluster.Start(nodeId);
        await Eventually.UntilAsync(_ => Task.FromResult(node.Election.State == LeadershipState.Leader), Deadline, $"{nodeId} leads");
        return node;
    }

    private static async Task<IReadOnlyList<ClusterParticipant>> FollowersAsync(ElectionCluster cluster, params string[] nodeIds)
    {
        var started = nodeIds.Select(cluster.Start).ToList();
        await Eventually.UntilAsync(_ => Task.FromResult(started.All(p => p.Election.State == LeadershipState.Follower)), Deadline, $"{string.Join(", ", nodeIds)} follow");
        return started;
    }

    [Fact]
    public async Task A_plain_ephemeral_named_ahead_of_the_queue_queues_last_where_it_was_made_in_the_view_and_for_every_participant()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "forged");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = await LeaderAsync(cluster, "node-1");
        await FollowersAsync(cluster, "node-2", "node-3");
        var next = cluster.Participants.Single(p => p.Election.Watching == first.Election.Znode);
        var last = cluster.Participants.Single(p => p != first && p != next);
        await using var forger = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        var forged = ZooKeeperPath.Name((await forger.CreateAsync(
            "/election/_a-n_0000000000",
            Encoding.UTF8.GetBytes("""{"nodeId":"evil","url":"http://evil.example:6666"}"""),
            CreateMode.Ephemeral,
            [new Acl(Permissions.All, ZooKeeperId.Anyone)])).Path);
        var seen = await Eventually.UntilAsync(_ => Task.FromResult(observer.Current), s => s.Candidates.Count == 4, Deadline, "the view queues the forged znode");
        // Wake every participant: a change of the queue makes each look again (resign hands over from node-1, whose new
        // candidate queues behind the forged one).
        first.Election.Resign();
        var after = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Leader is { } l && l.NodeId == next.Election.NodeId && next.Election.State == LeadershipState.Leader
                && first.Election.Watching == forged
                && cluster.Participants.All(p => p.Election.State is LeadershipState.Leader or LeadershipState.Follower),
            Deadline,
            "the next real candidate leads, in the view and in its own eyes, and node-1 queues again behind the forged one");

        Assert.Equal("node-1", seen.Leader!.NodeId);
        Assert.Equal(forged, seen.Candidates[^1].Znode);
        Assert.Empty(seen.Foreign);
        Assert.Single(cluster.Leaders);
        Assert.Equal([next.Election.Znode, last.Election.Znode, forged, first.Election.Znode], after.Candidates.Select(c => c.Znode));
        Assert.Equal(next.Election.Znode, last.Election.Watching);
        Assert.Equal(last.Election.Znode, after.Candidates.Single(c => c.Znode == forged).Watching);
    }

    [Fact]
    public async Task A_plain_ephemeral_numbered_ahead_of_the_count_leads_in_its_turn_and_the_epoch_never_goes_back()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "ahead");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = await LeaderAsync(cluster, "node-1");
        await using var forger = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        // One create so far (node-1's candidate): ZooKeeper would number the next child 1. This one claims 5, a number that only fits once
        // a few more candidates have come and gone; then it must not count as older than the leaders made meanwhile.
        var forged = ZooKeeperPath.Name((await forger.CreateAsync("/election/_a-n_0000000005", "{}", CreateMode.Ephemeral)).Path);
        await FollowersAsync(cluster, "node-2", "node-3");

        // Hand over again and again, as each leader resigns, until the forged child leads: each epoch the view names
        // must be above the one before.
        var epochs = new List<(string Znode, long Epoch)> { (observer.Current.Leader!.Znode, observer.Current.Leader.Epoch) };
        for (var resigns = 0; resigns < 8 && epochs[^1].Znode != forged; resigns++)
        {
            var leader = Assert.Single(cluster.Leaders);
            var resigning = leader.Election.Znode;
            leader.Election.Resign();
            var view = await Eventually.UntilAsync(
                _ => Task.FromResult(observer.Current),
                s => s.Leader is { } l && l.Znode != resigning && (l.Znode == forged || cluster.Participants.Any(p => p.Election.Znode == l.Znode && p.Election.State == LeadershipState.Leader)),
                Deadline,
                $"a leader after {resigning}");
            epochs.Add((view.Leader!.Znode, view.Leader.Epoch));
        }

        Assert.Equal(forged, epochs[^1].Znode);
        Assert.True(epochs.Zip(epochs.Skip(1)).All(p => p.Second.Epoch > p.First.Epoch), string.Join(" -> ", epochs));
        Assert.Equal(2, epochs.Count); // made right after node-1's candidate, it is the next to lead
        Assert.Empty(cluster.Leaders); // nobody believes it leads while the view names the forged child
    }

    [Fact]
    public async Task A_candidate_the_cluster_may_not_read_is_followed_and_the_next_takes_over_when_it_goes()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "unreadable");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = await LeaderAsync(cluster, "node-1");
        var forger = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        // Numbered by ZooKeeper and ephemeral, but nobody may read it: getData on it fails, and a participant behind it
        // used to fail with it, never to follow; nor does ZooKeeper tell a session that may not read it of its deletion.
        var hidden = ZooKeeperPath.Name((await forger.CreateAsync(
            "/election/_h-n_",
            Encoding.UTF8.GetBytes("""{"nodeId":"hidden"}"""),
            CreateMode.EphemeralSequential,
            [new Acl(Permissions.All & ~Permissions.Read, ZooKeeperId.Anyone)])).Path);
        var second = (await FollowersAsync(cluster, "node-2"))[0];
        first.Election.Resign();
        await Eventually.UntilAsync(
            _ => Task.FromResult(first.Election.State == LeadershipState.Follower && first.Election.Watching == second.Election.Znode),
            Deadline,
            "node-1 queues again behind node-2");
        Assert.Equal(hidden, second.Election.Watching);
        Assert.Empty(cluster.Leaders);

        await forger.DisposeAsync(); // its session closes, and the hidden candidate goes with it
        var view = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Leader?.NodeId == "node-2" && second.Election.State == LeadershipState.Leader,
            Deadline,
            "node-2 takes over, in its own eyes and in the view");

        Assert.Single(cluster.Leaders);
        Assert.Equal([second.Election.Znode, first.Election.Znode], view.Candidates.Select(c => c.Znode));
    }

    [Fact]
    public async Task A_real_candidate_of_another_client_that_says_it_is_a_running_node_leads_as_nobody_we_know()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "claimed");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = await LeaderAsync(cluster, "node-1");
        var second = (await FollowersAsync(cluster, "node-2"))[0];
        await using var forger = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        // Numbered by ZooKeeper, ephemeral, queued last: a real candidate in every respect but whose it says it is.
        var forged = ZooKeeperPath.Name((await forger.CreateAsync(
            "/election/_c_f-n_",
            Encoding.UTF8.GetBytes("""{"nodeId":"node-2","url":"http://evil.example:6666"}"""),
            CreateMode.EphemeralSequential,
            [new Acl(Permissions.All, ZooKeeperId.Anyone)])).Path);
        first.Election.Resign();
        await Eventually.UntilAsync(_ => Task.FromResult(second.Election.State == LeadershipState.Leader), Deadline, "node-2 leads");
        second.Election.Resign();
        var view = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Leader?.Znode == forged && s.Candidates.Count == 3 && s.Members.Count == 2,
            Deadline,
            "the forged candidate heads the queue, both nodes behind it");

        Assert.Equal(forged, view.Leader!.NodeId); // named by its znode, not as node-2
        Assert.Null(view.Leader.Url);
        Assert.DoesNotContain(view.Members, m => m.IsLeader);
        Assert.Empty(cluster.Leaders);
    }

    [Fact]
    public async Task A_persistent_child_with_a_low_number_is_not_a_candidate_even_in_an_empty_election()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "persistent");
        await using var forger = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        // Numbered by ZooKeeper, but persistent: it would outlive every session and lead forever.
        await forger.CreateAsync("/election", (string?)null);
        await forger.CreateAsync("/election/n_", "{\"nodeId\":\"ghost\"}", CreateMode.PersistentSequential);
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));

        var node = cluster.Start("node-1");

        await Eventually.UntilAsync(_ => Task.FromResult(node.Election.State == LeadershipState.Leader), Deadline, "node-1 leads past the persistent child");
        Assert.Null(node.Election.Watching);
    }
}
