using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Xunit.Abstractions;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>Each test owns its server, since it kills it.</summary>
public sealed class ConnectionLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Losing_the_server_fails_outstanding_requests_and_reports_Disconnected_then_the_session_resumes()
    {
        // A 15 s session: the restart of the server's JVM, slow on a busy machine, must fit in it.
        await using var cluster = await ZooKeeperCluster.StartAsync(1);
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = cluster.ConnectString, SessionTimeout = TimeSpan.FromSeconds(15) }, new TestOutputLoggerFactory(output));
        var states = new List<ConnectionState>();
        zk.StateChanged += s =>
        {
            lock (states)
            {
                states.Add(s);
            }
        };
        await zk.CreateAsync("/survivor", "x", CreateMode.Ephemeral);
        var sessionId = zk.SessionId;

        await cluster.Servers[0].KillAsync();
        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.GetDataAsync("/survivor").WaitAsync(TimeSpan.FromSeconds(10)));
        await zk.WaitForStateAsync(s => s == ConnectionState.Disconnected).WaitAsync(TimeSpan.FromSeconds(10));
        await cluster.Servers[0].StartAsync(CancellationToken.None);
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} the server serves again");
        try
        {
            await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or ZooKeeperException)
        {
            output.WriteLine(cluster.Servers[0].Tail());
            throw;
        }

        Assert.Equal(ZooKeeperErrorCode.ConnectionLoss, error.Code);
        Assert.Equal(sessionId, zk.SessionId);
        Assert.NotNull(await zk.ExistsAsync("/survivor"));
        // The handler came after the first Connected, which it may or may not have heard; the reply just awaited is
        // delivered after every state change before it, so the last Connected has been heard.
        lock (states)
        {
            Assert.Equal([ConnectionState.Disconnected, ConnectionState.Connected], states.SkipWhile(s => s == ConnectionState.Connected));
        }
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_given_up_in_time_to_try_again_within_the_session()
    {
        await using var cluster = await ZooKeeperCluster.StartAsync(1);
        await using var proxy = new SilentServerProxy(cluster.ConnectString);
        // One server: the Java client's rule (session timeout over the number of servers) would give a single
        // attempt the whole 9 s, and the session would be given up before a second one.
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = proxy.Address, SessionTimeout = TimeSpan.FromSeconds(9) }, new TestOutputLoggerFactory(output));
        var sessionId = zk.SessionId;

        proxy.CutAndGoSilent();
        await Eventually.UntilAsync(_ => Task.FromResult(proxy.Unanswered > 0), TimeSpan.FromSeconds(10), "the client tries again and meets silence");
        proxy.Answer();
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(sessionId, zk.SessionId);
    }

    [Fact]
    public async Task A_server_gone_longer_than_the_session_timeout_ends_the_session_as_Expired()
    {
        await using var cluster = await ZooKeeperCluster.StartAsync(1);
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = cluster.ConnectString, SessionTimeout = TimeSpan.FromSeconds(1) });
        var final = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.ExistsAsync("/anything", e => final.TrySetResult(e));

        await cluster.Servers[0].KillAsync();
        await zk.WaitForStateAsync(s => s == ConnectionState.Expired).WaitAsync(TimeSpan.FromSeconds(15));

        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.ExistsAsync("/"));
        Assert.Equal(ZooKeeperErrorCode.SessionExpired, error.Code);
        Assert.Equal(new WatchedEvent(WatchEventType.None, ConnectionState.Expired, null), await final.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Connecting_to_no_server_can_be_cancelled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var port = FreePort();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = $"127.0.0.1:{port}" }, cancellationToken: cts.Token));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
