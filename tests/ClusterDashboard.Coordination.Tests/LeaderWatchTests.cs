using System.Text;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>A leader that is not told by a predecessor watch still finds out: it watches the queue itself, and its
/// heartbeat outlives whatever ZooKeeper answers it.</summary>
public sealed class LeaderWatchTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static Task UntilAsync(Func<bool> condition, string because) =>
        Eventually.UntilAsync(_ => Task.FromResult(condition()), Deadline, because);

    [Fact]
    public async Task A_leader_whose_candidate_is_deleted_behind_its_back_stops_leading_at_once_with_no_heartbeat_to_tell_it()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "deleted-leader");
        // No heartbeat: the fenced write that used to catch this is off, so only the leader's own watch can.
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(20), heartbeat: TimeSpan.Zero);
        var first = cluster.Start("node-1");
        await UntilAsync(() => first.Election.State == LeadershipState.Leader, "node-1 leads");
        var second = cluster.Start("node-2");
        await UntilAsync(() => second.Election.State == LeadershipState.Follower, "node-2 follows");
        var deleted = first.Election.Znode!;
        await using var operator_ = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        await operator_.DeleteAsync($"/election/{deleted}");

        await UntilAsync(() => second.Election.State == LeadershipState.Leader, "node-2 leads");
        await UntilAsync(() => first.Election.State == LeadershipState.Follower && first.Election.Znode != deleted, "node-1 queues again behind");
        Assert.Single(cluster.Leaders);
    }

    [Fact]
    public async Task The_heartbeat_outlives_a_heartbeat_znode_another_identity_took_over_and_beats_again_once_it_is_gone()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "taken-heartbeat");
        var logs = new CapturedLogs(Microsoft.Extensions.Logging.LogLevel.Warning);
        using var loggerFactory = logs.Factory();
        await using var cluster = new ElectionCluster(connectString, TimeSpan.FromSeconds(20), heartbeat: TimeSpan.FromMilliseconds(200), loggerFactory: loggerFactory);
        var leader = cluster.Start("node-1");
        await UntilAsync(() => leader.Election.State == LeadershipState.Leader, "node-1 leads");
        await using var stranger = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, DigestAuth = ["stranger:pw"] });
        await Eventually.UntilAsync(async ct => await stranger.ExistsAsync("/leader-heartbeat", cancellationToken: ct) is not null, Deadline, "the first beat is written");

        // The znode is taken over: the leader's beats now meet NoAuth.
        await stranger.DeleteAsync("/leader-heartbeat");
        await stranger.CreateAsync("/leader-heartbeat", Encoding.UTF8.GetBytes("{}"), CreateMode.Persistent, [new Acl(Permissions.All, ZooKeeperId.Digest("stranger", "pw")), new Acl(Permissions.Read, ZooKeeperId.Anyone)]);
        await UntilAsync(() => logs.Lines.Any(l => l.Contains("Heartbeat of node-1 not written to /leader-heartbeat", StringComparison.Ordinal)), "a beat met NoAuth");
        await stranger.DeleteAsync("/leader-heartbeat");

        var beat = await Eventually.UntilAsync(
            async ct => await stranger.ExistsAsync("/leader-heartbeat", cancellationToken: ct) is not null ? HeartbeatInfo.TryParse((await stranger.GetDataAsync("/leader-heartbeat", cancellationToken: ct)).Data) : null,
            b => b is not null,
            Deadline,
            "the leader beats again");
        Assert.Equal("node-1", beat!.NodeId);
    }
}
