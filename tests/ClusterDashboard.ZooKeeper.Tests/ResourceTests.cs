using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>A closed client leaves nothing behind: no socket, no connection on the server, no running loop. It counts
/// the process's sockets, so it runs alone.</summary>
[Collection(nameof(RunsAlone))]
public sealed class ResourceTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task Closing_many_clients_leaks_no_socket_connection_or_task()
    {
        var before = OpenSockets();
        var clients = new List<ZooKeeperClient>();
        for (var i = 0; i < 30; i++)
        {
            var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
            await zk.ExistsAsync("/", _ => { });
            clients.Add(zk);
        }

        Assert.True(OpenSockets() >= before + 30);
        foreach (var zk in clients)
        {
            await zk.DisposeAsync();
        }

        Assert.All(clients, zk => Assert.True(zk.HasStopped, "every loop of a disposed client has ended"));
        await Eventually.UntilAsync(_ => Task.FromResult(OpenSockets() <= before), TimeSpan.FromSeconds(10), $"sockets return to {before}");
        await Eventually.UntilAsync(
            async ct => !(await zookeeper.Cluster.Servers[0].FourLetterWordAsync("cons", ct)).Contains(clients[0].SessionIdHex, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the server has no connection of ours left");
    }

    private static int OpenSockets() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(f => f.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
}
