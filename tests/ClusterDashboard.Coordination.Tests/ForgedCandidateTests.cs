using System.Text;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>A child of the election parent that ZooKeeper did not number, put there by hand with the cluster's own
/// credentials (with them, nobody else can): the participants and the view both ignore it, so nobody believes it
/// leads and nobody believes it leads while the view names another.</summary>
public sealed class ForgedCandidateTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_plain_ephemeral_named_ahead_of_the_queue_never_leads_in_the_view_or_for_any_participant_through_a_failover()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "forged");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = cluster.Start("node-1");
        await Eventually.UntilAsync(_ => Task.FromResult(first.Election.State == LeadershipState.Leader), Deadline, "node-1 leads");
        cluster.Start("node-2");
        cluster.Start("node-3");
        await Eventually.UntilAsync(_ => Task.FromResult(cluster.Participants.Count(p => p.Election.State == LeadershipState.Follower) == 2), Deadline, "two follow");
        var next = cluster.Participants.Single(p => p.Election.Watching == first.Election.Znode);
        var last = cluster.Participants.Single(p => p != first && p != next);
        await using var forger = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        var forged = (await forger.CreateAsync(
            "/election/_a-n_0000000000",
            Encoding.UTF8.GetBytes("""{"nodeId":"evil","url":"http://evil.example:6666"}"""),
            CreateMode.Ephemeral,
            [new Acl(Permissions.All, ZooKeeperId.Anyone)])).Path;
        var seen = await Eventually.UntilAsync(_ => Task.FromResult(observer.Current), s => s.Foreign.Count == 1, Deadline, "the view lists the forged znode");
        // Wake every participant: a change of the queue makes each look again (resign hands over from node-1).
        first.Election.Resign();
        var after = await Eventually.UntilAsync(
            _ => Task.FromResult(observer.Current),
            s => s.Leader is { } l && l.NodeId == next.Election.NodeId && next.Election.State == LeadershipState.Leader
                && cluster.Participants.All(p => p.Election.State is LeadershipState.Leader or LeadershipState.Follower),
            Deadline,
            "the next real candidate leads, in the view and in its own eyes");

        Assert.Equal("node-1", seen.Leader!.NodeId);
        Assert.Equal(ZooKeeperPath.Name(forged), seen.Foreign[0].Name);
        Assert.Contains("was created after candidate", seen.Foreign[0].Reason, StringComparison.Ordinal);
        Assert.Single(cluster.Leaders);
        Assert.DoesNotContain(after.Candidates, c => c.Znode == ZooKeeperPath.Name(forged));
        Assert.DoesNotContain(cluster.Participants, p => p.Election.Watching == ZooKeeperPath.Name(forged));
        Assert.Equal(next.Election.Znode, last.Election.Watching);
    }

    [Fact]
    public async Task A_real_candidate_of_another_client_that_says_it_is_a_running_node_leads_as_nobody_we_know()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "claimed");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        var observer = cluster.Observe();
        var first = cluster.Start("node-1");
        await Eventually.UntilAsync(_ => Task.FromResult(first.Election.State == LeadershipState.Leader), Deadline, "node-1 leads");
        var second = cluster.Start("node-2");
        await Eventually.UntilAsync(_ => Task.FromResult(second.Election.State == LeadershipState.Follower), Deadline, "node-2 follows");
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
