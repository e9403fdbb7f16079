using ClusterDashboard.Testing;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>The election on a 3-server ensemble whose servers die under it.</summary>
public sealed class EnsembleElectionTests
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<LeadershipRecorder> StartElectedAsync(ElectionCluster cluster)
    {
        var recorder = new LeadershipRecorder();
        foreach (var id in new[] { "node-1", "node-2", "node-3" })
        {
            recorder.Watch(cluster.Start(id).Election, id);
        }

        await Eventually.UntilAsync(_ => Task.FromResult(cluster.Leaders.Count() == 1 && cluster.Participants.All(p => p.Election.State is LeadershipState.Leader or LeadershipState.Follower)), Deadline, "an elected cluster");
        return recorder;
    }

    [Fact]
    public async Task Killing_the_server_the_leader_is_connected_to_changes_no_leader()
    {
        await using var zookeeper = await ZooKeeperCluster.StartAsync(3);
        // The participants use the two followers, so the server killed is never the ensemble's leader: its death
        // would make every server elect anew, which is the ensemble's failover, not the recipe's.
        var followers = await zookeeper.FollowersAsync();
        await using var cluster = new ElectionCluster(string.Join(',', followers.Select(s => s.Address)), SessionTimeout);
        var recorder = await StartElectedAsync(cluster);
        var leader = cluster.Leaders.Single();
        var (epoch, znode) = (leader.Election.Epoch, leader.Election.Znode);
        var server = followers.Single(s => s.Address == leader.Client!.ConnectedServer);

        await server.KillAsync();
        await Eventually.UntilAsync(_ => Task.FromResult(leader.Client!.State == ZooKeeper.ConnectionState.Connected && leader.Client.ConnectedServer != server.Address), Deadline, "the leader's session moves to another server");
        await Eventually.UntilAsync(_ => Task.FromResult(leader.Election.State == LeadershipState.Leader), Deadline, "the leader resumes");

        Assert.Equal(epoch, leader.Election.Epoch);
        Assert.Equal(znode, leader.Election.Znode);
        Assert.All(recorder.Intervals, i => Assert.Equal(leader.Election.NodeId, i.Participant));
        Assert.Empty(recorder.Overlaps());
    }

    [Fact]
    public async Task Without_quorum_past_the_session_timeout_the_leader_is_suspended_at_once_and_one_leader_returns_with_quorum()
    {
        await using var zookeeper = await ZooKeeperCluster.StartAsync(3);
        await using var cluster = new ElectionCluster(zookeeper.ConnectString, SessionTimeout);
        var recorder = await StartElectedAsync(cluster);
        var leader = cluster.Leaders.Single();
        var firstEpoch = leader.Election.Epoch!.Value;
        var lost = zookeeper.Servers.Take(2).ToList();

        foreach (var server in lost)
        {
            await server.KillAsync();
        }

        var started = TimeProvider.System.GetTimestamp();
        await Eventually.UntilAsync(_ => Task.FromResult(leader.Election.State != LeadershipState.Leader), Deadline, "the leader stops leading");
        var stoppedLeadingAfter = TimeProvider.System.GetElapsedTime(started);
        await Eventually.UntilAsync(_ => Task.FromResult(cluster.Participants.All(p => p.Election.State is not LeadershipState.Leader)), Deadline, "nobody leads without quorum");
        await Eventually.UntilAsync(_ => Task.FromResult(cluster.Participants.All(p => p.Election.State is LeadershipState.Lost or LeadershipState.Idle)), Deadline, "every session is given up as expired");
        await Task.WhenAll(lost.Select(s => s.StartAsync(CancellationToken.None)));
        await zookeeper.WaitForQuorumAsync();
        await Eventually.UntilAsync(_ => Task.FromResult(cluster.Leaders.Count() == 1 && cluster.Participants.All(p => p.Election.State is LeadershipState.Leader or LeadershipState.Follower)), Deadline, "one leader once quorum is back");

        Assert.True(stoppedLeadingAfter < SessionTimeout, $"the leader stopped leading after {stoppedLeadingAfter.TotalMilliseconds:F0} ms, not before its session could expire");
        Assert.True(cluster.Leaders.Single().Election.Epoch > firstEpoch);
        Assert.Empty(recorder.Overlaps());
        Assert.True(recorder.EpochsIncrease());
    }
}
