using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

public sealed class ProtectedCandidateTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task A_connection_dropped_right_after_the_create_leaves_exactly_one_candidate()
    {
        var connectString = await IsolatedNamespace.CreateAsync(zookeeper.ConnectString, "protected");
        var chroot = connectString[connectString.IndexOf('/', StringComparison.Ordinal)..];
        await using var proxy = new DroppingProxy(zookeeper.ConnectString);
        proxy.ArmForCreateUnder($"{chroot}/election/");
        await using var cluster = new ElectionCluster($"{proxy.Address}{chroot}", TimeSpan.FromSeconds(4));

        var participant = cluster.Start("node-1");
        await Eventually.UntilAsync(_ => Task.FromResult(participant.Election.State == LeadershipState.Leader), TimeSpan.FromSeconds(20), "the participant leads");
        await using var reader = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString });
        var candidates = await reader.GetChildrenAsync("/election");

        Assert.Equal(1, proxy.Dropped);
        Assert.Equal([participant.Election.Znode!], candidates);
        Assert.Equal(participant.Client!.SessionId, (await reader.ExistsAsync($"/election/{candidates[0]}"))!.EphemeralOwner);
    }
}
