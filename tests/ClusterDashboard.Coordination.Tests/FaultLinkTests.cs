using System.Globalization;
using ClusterDashboard.Coordination.FaultLinks;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using ClusterDashboard.ZooKeeper.Admin;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>
/// A client dialing through a <see cref="FaultLink"/> meets failures as a real network deals them: silently. Nobody
/// tells it; it finds out by its own read timeout (two thirds of its session), and the server, which hears nothing
/// either, keeps the connection until it times the session out. On a real server, with the server's own view (cons).
/// </summary>
public sealed class FaultLinkTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    // Long enough that the server's view can be read between the client noticing (6 s) and the session expiring (9 s).
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(9);
    private static readonly TimeSpan ReadTimeout = Session * 2 / 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly DirectionConditions Hole = new(BlackHole: true);

    private string Server => zookeeper.Cluster.Servers[0].Address;

    private Task<ZooKeeperClient> ConnectThroughAsync(FaultLink link, TimeSpan? session = null) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = session ?? Session, Dialer = link.Dialer() });

    private async Task<ClientConnectionInfo?> ServerSideAsync(ZooKeeperClient zk) =>
        (await FourLetterWords.ConsAsync(Server, TimeSpan.FromSeconds(5))).FirstOrDefault(c => c.SessionIdHex == zk.SessionIdHex);

    private static long Received(ClientConnectionInfo connection) => long.Parse(connection.Fields["recved"], CultureInfo.InvariantCulture);

    // A request answered: the client's read timeout runs from when it sent the request, so the time is taken before
    // sending. Taken after the answer, a continuation delayed on a busy machine would make the timeout look early.
    private static async Task<long> AnswerAsync(ZooKeeperClient zk)
    {
        var sending = TimeProvider.System.GetTimestamp();
        await zk.ExistsAsync("/");
        return sending;
    }

    [Fact]
    public async Task A_black_hole_partition_is_noticed_only_at_the_read_timeout_while_the_server_keeps_the_connection_until_the_session_expires()
    {
        await using var link = new FaultLink(TimeProvider.System);
        await using var zk = await ConnectThroughAsync(link);
        await using var watcher = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        var path = TestPaths.Unique("black-hole");
        await zk.CreateAsync(path, "x", CreateMode.Ephemeral);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);
        var answered = await AnswerAsync(zk);

        link.Set(new LinkConditions(Hole, Hole, NewConnections.Hang));
        var heard = await disconnected.WaitAsync(Deadline);
        var gaveUp = await ServerSideAsync(zk);
        await Eventually.UntilAsync(async ct => await watcher.ExistsAsync(path, cancellationToken: ct) is null, Deadline, "the server expires the session");

        var noticedAfter = TimeProvider.System.GetElapsedTime(answered, heard);
        Assert.True(noticedAfter >= ReadTimeout * 0.95, $"noticed {noticedAfter.TotalMilliseconds:F0} ms after the last answer: the client was told, not left to its read timeout of {ReadTimeout.TotalMilliseconds:F0} ms");
        // The client gave up on the connection and closed its end; the close is in the black hole too.
        Assert.NotNull(gaveUp);
        Assert.Null(await ServerSideAsync(zk));
    }

    [Theory]
    [InlineData(LinkDirection.Downstream)]
    [InlineData(LinkDirection.Upstream)]
    public async Task A_one_way_partition_is_noticed_at_the_read_timeout_and_only_a_downstream_cut_lets_the_server_hear_the_client(LinkDirection cut)
    {
        await using var link = new FaultLink(TimeProvider.System);
        await using var zk = await ConnectThroughAsync(link);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);
        var answered = await AnswerAsync(zk);
        var before = Received((await ServerSideAsync(zk))!);

        link.Set(cut == LinkDirection.Downstream
            ? new LinkConditions(DirectionConditions.Clean, Hole, NewConnections.Hang)
            : new LinkConditions(Hole, DirectionConditions.Clean, NewConnections.Hang));
        if (cut == LinkDirection.Downstream)
        {
            // Its pings get through, their answers do not.
            await Eventually.UntilAsync(async ct => await ServerSideAsync(zk), c => c is not null && Received(c) > before, Deadline, "the client's pings reach the server");
        }

        var heard = await disconnected.WaitAsync(Deadline);
        var noticedAfter = TimeProvider.System.GetElapsedTime(answered, heard);
        Assert.True(noticedAfter >= ReadTimeout * 0.95, $"noticed after {noticedAfter.TotalMilliseconds:F0} ms, before the read timeout");
        if (cut == LinkDirection.Downstream)
        {
            // The client's close of the connection gets through as well.
            await Eventually.UntilAsync(async ct => await ServerSideAsync(zk) is null, Deadline, "the server sees the client close the connection");
        }
        else
        {
            // Nothing the client sent arrived, its close neither: the server still holds the connection, unheard from.
            var after = await ServerSideAsync(zk);
            Assert.NotNull(after);
            Assert.Equal(before, Received(after));
        }
    }

    [Fact]
    public async Task Latency_slows_every_round_trip_and_past_the_read_timeout_ends_the_connection()
    {
        await using var link = new FaultLink(TimeProvider.System);
        await using var zk = await ConnectThroughAsync(link, TimeSpan.FromSeconds(9));
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        link.Set(new LinkConditions(new DirectionConditions(Latency: TimeSpan.FromMilliseconds(300)), new DirectionConditions(Latency: TimeSpan.FromMilliseconds(300)), NewConnections.Open));
        var start = TimeProvider.System.GetTimestamp();
        await zk.ExistsAsync("/");
        var slow = TimeProvider.System.GetElapsedTime(start);
        Assert.False(disconnected.IsCompleted);

        // Four seconds each way: no answer within the read timeout (six of a nine-second session).
        link.Set(new LinkConditions(new DirectionConditions(Latency: TimeSpan.FromSeconds(4)), new DirectionConditions(Latency: TimeSpan.FromSeconds(4)), NewConnections.Open));
        await disconnected.WaitAsync(Deadline);
        link.Heal();
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(Deadline);

        Assert.True(slow >= TimeSpan.FromMilliseconds(580), $"a round trip took {slow.TotalMilliseconds:F0} ms through 300 ms each way");
    }

    [Fact]
    public async Task A_crash_resets_the_connection_and_the_client_never_reaches_the_server_again_so_its_session_expires()
    {
        await using var link = new FaultLink(TimeProvider.System);
        await using var zk = await ConnectThroughAsync(link);
        await using var watcher = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        var path = TestPaths.Unique("crash");
        await zk.CreateAsync(path, "x", CreateMode.Ephemeral);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        link.Crash();
        await disconnected.WaitAsync(TimeSpan.FromSeconds(2));
        var ephemeralAfterCrash = await watcher.ExistsAsync(path);
        await zk.WaitForStateAsync(s => s == ConnectionState.Expired).WaitAsync(Deadline);

        // A reset, told at once (unlike a partition); no close of the session was sent, so the server expires it.
        Assert.NotNull(ephemeralAfterCrash);
        Assert.Null(await ServerSideAsync(zk));
        await Eventually.UntilAsync(async ct => await watcher.ExistsAsync(path, cancellationToken: ct) is null, Deadline, "the server expires the session");
        Assert.Equal(0, link.OpenConnections);
        await using var restarted = await ConnectThroughAsync(link);
        Assert.NotEqual(zk.SessionId, restarted.SessionId); // a new client, a new dialer: a new session
    }
}
