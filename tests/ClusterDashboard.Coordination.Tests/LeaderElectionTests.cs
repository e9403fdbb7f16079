using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

public sealed class LeaderElectionTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Three_participants_elect_exactly_one_leader_and_followers_watch_their_predecessor()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "three");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        foreach (var id in new[] { "node-1", "node-2", "node-3" })
        {
            cluster.Start(id);
        }

        await Eventually.UntilAsync(
            _ => Task.FromResult(cluster.Participants.Count(p => p.Election.State == LeadershipState.Follower) == 2 && cluster.Leaders.Count() == 1),
            Deadline,
            "one leader and two followers");

        var bySequence = cluster.Participants.OrderBy(p => SequenceNumber.Parse(p.Election.Znode!)).ToList();
        Assert.Equal(LeadershipState.Leader, bySequence[0].Election.State);
        // The token is the zxid that created the leader's candidate.
        await using var reader = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        Assert.Equal((await reader.ExistsAsync($"/election/{bySequence[0].Election.Znode}"))!.Czxid, bySequence[0].Election.Epoch);
        Assert.Null(bySequence[0].Election.Watching);
        Assert.Equal(bySequence[0].Election.Znode, bySequence[1].Election.Watching);
        Assert.Equal(bySequence[1].Election.Znode, bySequence[2].Election.Watching);
    }

    [Fact]
    public async Task When_the_leader_leaves_the_next_in_sequence_leads_with_a_higher_epoch_and_the_old_leader_rejoins_as_follower()
    {
        await using var cluster = new ElectionCluster(await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "failover"), TimeSpan.FromSeconds(4));
        foreach (var id in new[] { "node-1", "node-2", "node-3" })
        {
            cluster.Start(id);
        }

        await Eventually.UntilAsync(_ => Task.FromResult(cluster.Participants.All(p => p.Election.State is LeadershipState.Leader or LeadershipState.Follower)), Deadline, "everyone joined");
        var bySequence = cluster.Participants.OrderBy(p => SequenceNumber.Parse(p.Election.Znode!)).ToList();
        var oldLeader = bySequence[0];
        var oldEpoch = oldLeader.Election.Epoch!.Value;

        await oldLeader.StopAsync(CancellationToken.None);
        await Eventually.UntilAsync(_ => Task.FromResult(bySequence[1].Election.State == LeadershipState.Leader), Deadline, "the second candidate takes over");

        Assert.True(bySequence[1].Election.Epoch > oldEpoch);
        Assert.Equal(LeadershipState.Follower, bySequence[2].Election.State);
        Assert.Single(cluster.Leaders);

        var restarted = cluster.Start(oldLeader.Election.NodeId);
        await Eventually.UntilAsync(_ => Task.FromResult(restarted.Election.State == LeadershipState.Follower), Deadline, "the old leader rejoins");
        Assert.Equal(bySequence[2].Election.Znode, restarted.Election.Watching);
        Assert.Equal(LeadershipState.Leader, bySequence[1].Election.State);
    }

    [Fact]
    public async Task Candidates_made_by_other_clients_are_ordered_by_their_sequence_like_ours()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "foreign");
        await using var foreign = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString });
        await foreign.CreateAsync("/election", (string?)null);
        var theirs = await foreign.CreateAsync("/election/n_", "not json", CreateMode.EphemeralSequential);
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));

        var ours = cluster.Start("node-1");
        await Eventually.UntilAsync(_ => Task.FromResult(ours.Election.State == LeadershipState.Follower), Deadline, "ours queues behind the foreign candidate");
        Assert.Equal(ZooKeeperPath.Name(theirs.Path), ours.Election.Watching);

        await foreign.DeleteAsync(theirs.Path);
        await Eventually.UntilAsync(_ => Task.FromResult(ours.Election.State == LeadershipState.Leader), Deadline, "ours leads once the foreign candidate is gone");
    }

    [Fact]
    public async Task Each_participant_registers_as_a_member_with_its_url()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "members");
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(4));
        cluster.Start("node-1");
        cluster.Start("node-2");
        await using var reader = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString });

        var names = await Eventually.UntilAsync(
            async ct => await TryChildren(reader, "/members", ct),
            c => c.Count == 2,
            Deadline,
            "both members registered");

        Assert.Equal(["node-1", "node-2"], names.Order(StringComparer.Ordinal));
        var member = MemberPayload.TryParse((await reader.GetDataAsync("/members/node-2")).Data);
        Assert.Equal("http://node-2.test", member?.Url);
    }

    private static async Task<IReadOnlyList<string>> TryChildren(ZooKeeperClient zk, string path, CancellationToken ct)
    {
        try
        {
            return await zk.GetChildrenAsync(path, cancellationToken: ct);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return [];
        }
    }
}
