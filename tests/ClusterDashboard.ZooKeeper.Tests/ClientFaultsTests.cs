using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>Simulated failures of one client look to the servers and to the application like the real ones.</summary>
public sealed class ClientFaultsTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(2);

    private Task<ZooKeeperClient> ConnectAsync() =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = SessionTimeout });

    [Fact]
    public async Task A_partition_shorter_than_the_session_timeout_is_survived()
    {
        // A partition of a second inside a session of eight: the reconnect that ends it has room to spare.
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = TimeSpan.FromSeconds(8) });
        var sessionId = zk.SessionId;
        var path = TestPaths.Unique("short-partition");
        await zk.CreateAsync(path, "x", CreateMode.Ephemeral);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        zk.Faults.Partition(TimeSpan.FromSeconds(1));
        await disconnected.WaitAsync(TimeSpan.FromSeconds(5));
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(sessionId, zk.SessionId);
        Assert.NotNull(await zk.ExistsAsync(path));
    }

    [Fact]
    public async Task A_partition_longer_than_the_session_timeout_ends_in_Expired_and_the_servers_drop_the_ephemerals()
    {
        await using var zk = await ConnectAsync();
        await using var watcher = await ConnectAsync();
        var path = TestPaths.Unique("long-partition");
        await zk.CreateAsync(path, "x", CreateMode.Ephemeral);

        zk.Faults.Partition(TimeSpan.FromSeconds(30));

        await zk.WaitForStateAsync(s => s == ConnectionState.Expired).WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(async ct => await watcher.ExistsAsync(path, cancellationToken: ct) is null, TimeSpan.FromSeconds(10), "the server expires the session");
    }

    [Fact]
    public async Task A_crash_leaves_the_session_to_expire_on_the_servers()
    {
        var zk = await ConnectAsync();
        await using var watcher = await ConnectAsync();
        var path = TestPaths.Unique("crash");
        await zk.CreateAsync(path, "x", CreateMode.Ephemeral);

        zk.Faults.Crash();

        Assert.Equal(ConnectionState.Closed, zk.State);
        Assert.NotNull(await watcher.ExistsAsync(path)); // no closeSession was sent: the ephemeral outlives the client
        await Eventually.UntilAsync(async ct => await watcher.ExistsAsync(path, cancellationToken: ct) is null, TimeSpan.FromSeconds(10), "the server expires the session");
        await zk.DisposeAsync();
    }

    [Fact]
    public async Task A_pause_longer_than_the_session_timeout_is_noticed_only_after_it_ends_as_Expired()
    {
        await using var zk = await ConnectAsync();
        await using var watcher = await ConnectAsync();
        var path = TestPaths.Unique("pause");
        await zk.CreateAsync(path, "x", CreateMode.Ephemeral);

        // The pause ends when the test heals it, after looking at the client while it was still paused.
        zk.Faults.Freeze(TimeSpan.FromSeconds(60));
        await Eventually.UntilAsync(async ct => await watcher.ExistsAsync(path, cancellationToken: ct) is null, TimeSpan.FromSeconds(10), "the server expires the paused session");
        var stateWhileFrozen = zk.State;
        zk.Faults.Heal();

        await zk.WaitForStateAsync(s => s == ConnectionState.Expired).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(ConnectionState.Connected, stateWhileFrozen);
    }
}
