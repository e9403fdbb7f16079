using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>A 3-server ensemble whose members the tests kill.</summary>
public sealed class EnsembleFailoverTests
{
    /// <param name="tls">Over a TLS-only ensemble (secureClientPort, client certificates): the session's
    /// behaviour must not change with what carries its bytes.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Killing_the_connected_server_keeps_the_session_and_a_watch_set_before_still_fires(bool tls)
    {
        await using var cluster = await ZooKeeperCluster.StartAsync(3, new ZooKeeperClusterOptions { Tls = tls ? ClientTls.Only : ClientTls.None });
        var dialer = tls ? ZooKeeperDialers.Tls(cluster.Certificates!.ClientOptions()) : ZooKeeperDialers.Tcp;
        // The client starts on a follower, so the kill leaves a quorum serving and no ensemble election runs.
        var followers = await cluster.FollowersAsync();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = string.Join(',', followers.Select(s => s.Address)),
            ShuffleServers = false,
            SessionTimeout = TimeSpan.FromSeconds(5),
            Dialer = dialer,
        });
        await zk.CreateAsync("/kept", "x", CreateMode.Ephemeral);
        await zk.CreateAsync("/watched", "1");
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync("/watched", e => fired.TrySetResult(e));
        var sessionId = zk.SessionId;
        var connected = followers.Single(s => s.Address == zk.ConnectedServer);
        var next = followers.Single(s => s != connected);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        await connected.KillAsync();
        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.UntilAsync(_ => Task.FromResult(zk.State == ConnectionState.Connected && zk.ConnectedServer == next.Address), TimeSpan.FromSeconds(15), "the session moves to the other follower");
        await using var other = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = cluster.ConnectString, Dialer = dialer });
        await other.SetDataAsync("/watched", Encoding.UTF8.GetBytes("2"));

        Assert.Equal(sessionId, zk.SessionId);
        Assert.Equal(zk.SessionId, (await other.ExistsAsync("/kept"))!.EphemeralOwner);
        Assert.Equal(WatchEventType.NodeDataChanged, (await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
    }

    [Fact]
    public async Task Killing_the_ensemble_leader_keeps_the_session_once_the_others_elect_a_new_one()
    {
        await using var cluster = await ZooKeeperCluster.StartAsync(3);
        var leader = (await cluster.LeaderAsync())!;
        var followers = await cluster.FollowersAsync();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = string.Join(',', followers.Prepend(leader).Select(s => s.Address)),
            ShuffleServers = false,
            // Longer than the survivors' election and catch-up on a busy machine.
            SessionTimeout = TimeSpan.FromSeconds(20),
        });
        Assert.Equal(leader.Address, zk.ConnectedServer);
        await zk.CreateAsync("/kept-through-election", "x", CreateMode.Ephemeral);
        await zk.CreateAsync("/watched-through-election", "1");
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync("/watched-through-election", e => fired.TrySetResult(e));
        var sessionId = zk.SessionId;
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        await leader.KillAsync();
        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(30));
        await using var other = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = string.Join(',', followers.Select(s => s.Address)) });
        await other.SetDataAsync("/watched-through-election", Encoding.UTF8.GetBytes("2"));

        Assert.Equal(sessionId, zk.SessionId);
        Assert.Equal(sessionId, (await other.ExistsAsync("/kept-through-election"))!.EphemeralOwner);
        Assert.Equal(WatchEventType.NodeDataChanged, (await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
    }

    [Fact]
    public async Task A_change_made_while_disconnected_fires_the_watch_once_the_client_is_back()
    {
        // A long session: the client must not give the session up while its server's JVM restarts and catches up, slow
        // on a busy machine. A follower, so its death starts no ensemble election.
        await using var cluster = await ZooKeeperCluster.StartAsync(3);
        var first = (await cluster.FollowersAsync())[0];
        var others = cluster.Servers.Where(s => s != first).Select(s => s.Address);
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = first.Address, SessionTimeout = TimeSpan.FromSeconds(20) });
        await zk.CreateAsync("/changed", "1");
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync("/changed", e => fired.TrySetResult(e));

        // Only this follower is in this client's list: while it is down the client cannot be told anything.
        await first.KillAsync();
        await zk.WaitForStateAsync(s => s == ConnectionState.Disconnected).WaitAsync(TimeSpan.FromSeconds(10));
        await using (var other = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = string.Join(',', others) }))
        {
            await other.SetDataAsync("/changed", Encoding.UTF8.GetBytes("2"));
        }

        Assert.False(fired.Task.IsCompleted);
        await first.StartAsync(CancellationToken.None);
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(WatchEventType.NodeDataChanged, (await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
    }

    [Fact]
    public async Task Every_server_gone_longer_than_the_session_timeout_means_Expired()
    {
        await using var cluster = await ZooKeeperCluster.StartAsync(3);
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = cluster.ConnectString, SessionTimeout = TimeSpan.FromSeconds(2) });

        await cluster.KillAllAsync();

        await zk.WaitForStateAsync(s => s == ConnectionState.Expired).WaitAsync(TimeSpan.FromSeconds(15));
        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.GetDataAsync("/"));
        Assert.Equal(ZooKeeperErrorCode.SessionExpired, error.Code);
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_left_before_the_session_could_expire()
    {
        await using var cluster = await ZooKeeperCluster.StartAsync(3);
        // Detection takes two thirds of the session timeout, the move to another server the rest. The frozen server is
        // a follower: a frozen ensemble leader would also take the others out of service until they elect a new one,
        // which is the servers' failover, not the client's.
        var timeout = TimeSpan.FromSeconds(8);
        var followers = await cluster.FollowersAsync();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectString = string.Join(',', followers.Select(s => s.Address)),
            ShuffleServers = false,
            SessionTimeout = timeout,
        });
        var sessionId = zk.SessionId;
        var frozen = followers.Single(s => s.Address == zk.ConnectedServer);
        var next = followers.Single(s => s != frozen);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        // The frozen server keeps its socket open: only the client's own read timeout can notice.
        await frozen.PauseAsync();
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            var detected = TimeProvider.System.GetElapsedTime(started, await disconnected.WaitAsync(TimeSpan.FromSeconds(15)));
            await Eventually.UntilAsync(_ => Task.FromResult(zk.State == ConnectionState.Connected && zk.ConnectedServer == next.Address), TimeSpan.FromSeconds(15), "the session moves to the other follower");

            Assert.True(detected < timeout, $"detected after {detected.TotalMilliseconds:F0} ms; the session times out after {timeout.TotalMilliseconds:F0} ms");
            Assert.Equal(sessionId, zk.SessionId);
        }
        finally
        {
            await frozen.ResumeAsync();
        }
    }
}
