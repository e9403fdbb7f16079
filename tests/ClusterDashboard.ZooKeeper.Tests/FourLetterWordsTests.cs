using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper.Admin;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class FourLetterWordsTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Srvr_reports_a_standalone_server_with_its_zxid_and_node_count()
    {
        var status = await FourLetterWords.SrvrAsync(zookeeper.Cluster.Servers[0].Address, Timeout);

        Assert.Equal(ServerMode.Standalone, status.Mode);
        Assert.StartsWith("3.8", status.Version, StringComparison.Ordinal);
        Assert.True(status.NodeCount >= 2);
        Assert.NotNull(status.Zxid);
    }

    [Fact]
    public async Task Mntr_and_cons_list_the_server_state_and_our_session()
    {
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });

        var mntr = await FourLetterWords.MntrAsync(zookeeper.Cluster.Servers[0].Address, Timeout);
        var cons = await FourLetterWords.ConsAsync(zookeeper.Cluster.Servers[0].Address, Timeout);

        Assert.Equal("standalone", mntr["zk_server_state"]);
        Assert.Contains(cons, c => c.SessionIdHex == zk.SessionIdHex);
        Assert.True(await FourLetterWords.RuokAsync(zookeeper.Cluster.Servers[0].Address, Timeout));
    }

    [Fact]
    public void Parses_a_server_that_is_not_serving() =>
        Assert.Equal(ServerMode.NotServing, FourLetterWords.ParseSrvr("x", "This ZooKeeper instance is not currently serving requests\n").Mode);

    [Fact]
    public void Parses_a_follower()
    {
        const string text = "Zookeeper version: 3.8.0-abc, built on 2024\nLatency min/avg/max: 0/0.69/8\nReceived: 4\nSent: 5\nConnections: 2\nOutstanding: 0\nZxid: 0x10e\nMode: follower\nNode count: 54\n";

        var status = FourLetterWords.ParseSrvr("h:1", text);

        Assert.Equal(new ServerStatus("h:1", ServerMode.Follower, "3.8.0-abc", 0x10e, 2, 0, 54, 0.69, 8), status);
    }
}
