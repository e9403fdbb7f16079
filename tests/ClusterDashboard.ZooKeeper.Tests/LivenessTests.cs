using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>
/// A connection is alive while the server answers what the client sends, whatever else happens on it: a write stuck
/// on a dying link, or notifications still arriving over a link that drops everything the client says, end it at the
/// read timeout, in time to resume the session before the server expires it. And a request the server would answer
/// by cutting the connection is refused before it is sent.
/// </summary>
public sealed class LivenessTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    // The read timeout is 4 s of it: the connection must end then, and the session lives until 6 s after the last
    // answer, so a client that notices in time resumes it.
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_write_stalled_on_a_link_that_stopped_carrying_anything_cannot_hide_the_dead_connection()
    {
        var link = new ImpairedLink();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = Session, Dialer = link.Dialer });
        var session = zk.SessionId;
        var path = $"/stalled-{Guid.NewGuid():N}";
        await zk.CreateAsync(path, (string?)null);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);

        // Nothing gets through any more: a large write sits in the send buffer and holds the connection's writes.
        link.KillOpenConnectionsSilently();
        var write = zk.SetDataAsync(path, new byte[900_000]);
        await disconnected.WaitAsync(Deadline);

        Assert.Equal(ZooKeeperErrorCode.ConnectionLoss, (await Assert.ThrowsAsync<ZooKeeperException>(() => write)).Code);
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(Deadline);
        Assert.Equal(session, zk.SessionId);
    }

    [Fact]
    public async Task A_one_way_partition_that_still_delivers_notifications_is_noticed_before_the_session_expires()
    {
        var link = new ImpairedLink();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = Session, Dialer = link.Dialer });
        await using var writer = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        var session = zk.SessionId;
        var path = $"/chatty-{Guid.NewGuid():N}";
        await writer.CreateAsync(path, "0");
        await zk.AddWatchAsync(path, _ => { }, AddWatchMode.Persistent);
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);
        using var stop = new CancellationTokenSource();
        var chatter = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await writer.SetDataAsync(path, Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                await Task.Delay(100);
            }
        });

        // What the client sends vanishes; what the server sends, a notification every 100 ms, still arrives.
        link.DropWritesOfOpenConnections();
        await disconnected.WaitAsync(Deadline);
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(Deadline);
        await stop.CancelAsync();
        await chatter;

        // Noticed while the session still lived: it is resumed, not replaced.
        Assert.Equal(session, zk.SessionId);
    }

    [Fact]
    public async Task A_request_over_the_servers_limit_is_refused_before_it_is_sent_and_costs_no_connection()
    {
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = Session });
        var path = $"/big-{Guid.NewGuid():N}";
        await zk.CreateAsync(path, (string?)null);
        var states = new List<ConnectionState>();
        zk.StateChanged += states.Add;

        var alongside = zk.ExistsAsync("/");
        var refused = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.SetDataAsync(path, new byte[1_048_576]));

        Assert.Equal(ZooKeeperErrorCode.BadArguments, refused.Code);
        Assert.Contains("1,048,575", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(await alongside);
        // The largest request the server takes still goes through, on the same connection.
        var header = 8;
        var pathBytes = 4 + Encoding.UTF8.GetByteCount(path);
        var largest = 0xFFFFF - header - pathBytes - 4 - 4;
        await zk.SetDataAsync(path, new byte[largest]);
        Assert.Equal(largest, (await zk.ExistsAsync(path))!.DataLength);
        Assert.Empty(states);
    }

    [Fact]
    public async Task Credentials_added_by_a_caller_who_gave_up_still_take_their_place_so_the_next_caller_hears_its_own_reply()
    {
        var link = new ImpairedLink();
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = Session, Dialer = link.Dialer });

        // The first caller stops waiting while its credentials are still on their way out.
        link.DelayNextWrite(TimeSpan.FromSeconds(1));
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => zk.AddDigestAuthAsync("first", "pw", impatient.Token));
        await zk.AddDigestAuthAsync("second", "pw").WaitAsync(Deadline);

        var identities = await zk.WhoAmIAsync();
        Assert.Contains(new ClientIdentity("digest", "first"), identities);
        Assert.Contains(new ClientIdentity("digest", "second"), identities);
    }
}
