using System.Text;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class ClientOperationsTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _zk = null!;
    private readonly string _root = TestPaths.Unique("ops");

    public async Task InitializeAsync()
    {
        _zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = TimeSpan.FromSeconds(4) });
        await _zk.CreateAsync(_root, (string?)null);
    }

    public async Task DisposeAsync() => await _zk.DisposeAsync();

    [Fact]
    public async Task Create_then_GetData_returns_the_data_and_a_matching_stat()
    {
        var created = await _zk.CreateAsync($"{_root}/a", "hello");

        var read = await _zk.GetDataAsync($"{_root}/a");

        Assert.Equal($"{_root}/a", created.Path);
        Assert.Equal("hello", Encoding.UTF8.GetString(read.Data));
        Assert.Equal(created.Stat.Czxid, read.Stat.Czxid);
        Assert.Equal(5, read.Stat.DataLength);
        Assert.Equal(0, read.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task Ephemeral_sequential_names_carry_a_ten_digit_increasing_suffix_and_the_session_as_owner()
    {
        var first = await _zk.CreateAsync($"{_root}/n_", "x", CreateMode.EphemeralSequential);
        var second = await _zk.CreateAsync($"{_root}/n_", "x", CreateMode.EphemeralSequential);

        Assert.Matches(@"/n_\d{10}$", first.Path);
        Assert.True(string.CompareOrdinal(first.Path, second.Path) < 0);
        Assert.Equal(_zk.SessionId, first.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task Ephemeral_znodes_vanish_when_their_session_closes()
    {
        await using var other = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await other.CreateAsync($"{_root}/eph", "x", CreateMode.Ephemeral);
        Assert.NotNull(await _zk.ExistsAsync($"{_root}/eph"));

        await other.CloseAsync();

        Assert.Null(await _zk.ExistsAsync($"{_root}/eph"));
        Assert.Equal(ConnectionState.Closed, other.State);
    }

    [Fact]
    public async Task GetChildren_lists_every_child()
    {
        await _zk.CreateAsync($"{_root}/p", (string?)null);
        foreach (var name in new[] { "x", "y", "z" })
        {
            await _zk.CreateAsync($"{_root}/p/{name}", name);
        }

        var children = await _zk.GetChildrenWithStatAsync($"{_root}/p");

        Assert.Equal(["x", "y", "z"], children.Children.Order(StringComparer.Ordinal));
        Assert.Equal(3, children.Stat.NumChildren);
    }

    [Fact]
    public async Task SetData_with_a_stale_version_fails_with_BadVersion_and_changes_nothing()
    {
        await _zk.CreateAsync($"{_root}/v", "1");
        var stat = await _zk.SetDataAsync($"{_root}/v", Encoding.UTF8.GetBytes("2"), version: 0);
        Assert.Equal(1, stat.Version);

        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.SetDataAsync($"{_root}/v", Encoding.UTF8.GetBytes("3"), version: 0));

        Assert.Equal(ZooKeeperErrorCode.BadVersion, error.Code);
        Assert.Equal($"{_root}/v", error.Path);
        Assert.Equal("2", Encoding.UTF8.GetString((await _zk.GetDataAsync($"{_root}/v")).Data));
    }

    [Fact]
    public async Task Errors_carry_the_code_and_the_path()
    {
        var noNode = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.GetDataAsync($"{_root}/missing"));
        Assert.Equal(ZooKeeperErrorCode.NoNode, noNode.Code);
        Assert.Contains($"{_root}/missing", noNode.Message, StringComparison.Ordinal);

        await _zk.CreateAsync($"{_root}/dup", "x");
        var exists = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.CreateAsync($"{_root}/dup", "x"));
        Assert.Equal(ZooKeeperErrorCode.NodeExists, exists.Code);

        await _zk.CreateAsync($"{_root}/dup/child", "x");
        var notEmpty = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.DeleteAsync($"{_root}/dup"));
        Assert.Equal(ZooKeeperErrorCode.NotEmpty, notEmpty.Code);

        var badVersion = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.DeleteAsync($"{_root}/dup/child", version: 7));
        Assert.Equal(ZooKeeperErrorCode.BadVersion, badVersion.Code);
    }

    [Fact]
    public async Task Delete_removes_the_znode()
    {
        await _zk.CreateAsync($"{_root}/d", "x");

        await _zk.DeleteAsync($"{_root}/d");

        Assert.Null(await _zk.ExistsAsync($"{_root}/d"));
    }

    [Fact]
    public async Task A_data_watch_fires_once_on_change()
    {
        await _zk.CreateAsync($"{_root}/w", "1");
        var events = new List<WatchedEvent>();
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _zk.GetDataAsync($"{_root}/w", e =>
        {
            lock (events)
            {
                events.Add(e);
            }

            fired.TrySetResult(e);
        });

        await _zk.SetDataAsync($"{_root}/w", Encoding.UTF8.GetBytes("2"));
        var first = await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _zk.SetDataAsync($"{_root}/w", Encoding.UTF8.GetBytes("3"));
        await _zk.SyncAsync($"{_root}/w"); // anything the server would still send arrives before this reply

        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, ConnectionState.Connected, $"{_root}/w"), first);
        lock (events)
        {
            Assert.Single(events);
        }
    }

    [Fact]
    public async Task A_child_watch_fires_when_a_child_is_added()
    {
        await _zk.CreateAsync($"{_root}/cw", (string?)null);
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _zk.GetChildrenAsync($"{_root}/cw", e => fired.TrySetResult(e));

        await _zk.CreateAsync($"{_root}/cw/kid", "x");

        var watched = await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WatchEventType.NodeChildrenChanged, watched.Type);
        Assert.Equal($"{_root}/cw", watched.Path);
    }

    [Fact]
    public async Task An_exists_watch_on_a_missing_znode_fires_when_it_is_created()
    {
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Null(await _zk.ExistsAsync($"{_root}/later", e => fired.TrySetResult(e)));

        await _zk.CreateAsync($"{_root}/later", "x");

        Assert.Equal(WatchEventType.NodeCreated, (await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
    }

    [Fact]
    public async Task A_watch_event_is_delivered_before_the_reply_that_follows_it_on_the_wire()
    {
        await _zk.CreateAsync($"{_root}/order", "1");
        var log = new List<string>();
        await _zk.GetDataAsync($"{_root}/order", _ =>
        {
            lock (log)
            {
                log.Add("event");
            }
        });

        await _zk.SetDataAsync($"{_root}/order", Encoding.UTF8.GetBytes("2"));
        lock (log)
        {
            log.Add("reply");
        }

        Assert.Equal(["event", "reply"], log);
    }

    [Fact]
    public async Task An_invalid_path_is_refused_before_anything_is_sent()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _zk.GetDataAsync("relative/path"));
        Assert.Contains("must start with '/'", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => _zk.CreateAsync($"{_root}//x", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => _zk.ExistsAsync($"{_root}/."));
    }

    [Fact]
    public async Task A_chroot_is_applied_to_requests_and_stripped_from_results_and_events()
    {
        await using var rooted = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString + _root });
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Null(await rooted.ExistsAsync("/inside", e => fired.TrySetResult(e)));

        var created = await rooted.CreateAsync("/inside", "x");

        Assert.Equal("/inside", created.Path);
        Assert.NotNull(await _zk.ExistsAsync($"{_root}/inside"));
        Assert.Equal("/inside", (await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).Path);
    }

    [Fact]
    public async Task Calls_after_close_fail_with_a_clear_error()
    {
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await client.DisposeAsync();

        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => client.ExistsAsync("/"));

        Assert.Equal(ZooKeeperErrorCode.ClientClosed, error.Code);
    }

    [Fact]
    public async Task Pipelined_requests_all_complete_in_order()
    {
        await _zk.CreateAsync($"{_root}/pipe", "x");
        var tasks = Enumerable.Range(0, 500).Select(i => _zk.SetDataAsync($"{_root}/pipe", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList();

        var stats = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(1, 500), stats.Select(s => s.Version));
    }
}
