using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class WatchStreamTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _zk = null!;
    private readonly string _root = TestPaths.Unique("stream");

    public async Task InitializeAsync()
    {
        _zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await _zk.CreateAsync(_root, (string?)null);
    }

    public async Task DisposeAsync() => await _zk.DisposeAsync();

    [Fact]
    public async Task A_stream_yields_changes_in_order_and_removes_its_watch_when_the_consumer_stops()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<(WatchEventType, string?)>();
        var ready = new TaskCompletionSource();
        var consumer = Task.Run(async () =>
        {
            await foreach (var e in _zk.WatchAsync(_root, AddWatchMode.PersistentRecursive, cancellationToken: cts.Token))
            {
                seen.Add((e.Type, e.Path));
                if (seen.Count == 3)
                {
                    break;
                }
            }
        });
        await Eventually.UntilAsync(async ct => await _zk.CheckWatchesAsync(_root, WatcherType.Any, ct), TimeSpan.FromSeconds(10), "the stream's watch is set");

        await _zk.CreateAsync($"{_root}/a", "1");
        await _zk.SetDataAsync($"{_root}/a", Encoding.UTF8.GetBytes("2"));
        await _zk.DeleteAsync($"{_root}/a");
        await consumer.WaitAsync(cts.Token);

        Assert.Equal([(WatchEventType.NodeCreated, $"{_root}/a"), (WatchEventType.NodeDataChanged, $"{_root}/a"), (WatchEventType.NodeDeleted, $"{_root}/a")], seen);
        Assert.False(await _zk.CheckWatchesAsync(_root, WatcherType.Any));
    }

    [Fact]
    public async Task A_consumer_that_falls_behind_gets_an_overflow_not_unbounded_memory_and_the_client_carries_on()
    {
        await using var stream = _zk.WatchAsync(_root, AddWatchMode.PersistentRecursive, capacity: 8).GetAsyncEnumerator();
        var first = stream.MoveNextAsync().AsTask();
        await Eventually.UntilAsync(async ct => await _zk.CheckWatchesAsync(_root, WatcherType.Any, ct), TimeSpan.FromSeconds(10), "the stream's watch is set");

        for (var i = 0; i < 40; i++)
        {
            await _zk.CreateAsync($"{_root}/n{i}", "x");
        }

        await _zk.SyncAsync(_root);
        Assert.True(await first);
        var error = await Assert.ThrowsAsync<WatchStreamOverflowException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
        Assert.Equal(_root, error.Path);
        Assert.Equal(40, (await _zk.GetChildrenAsync(_root)).Count);
    }

    [Fact]
    public async Task MultiRead_answers_each_read_on_its_own()
    {
        await _zk.CreateAsync($"{_root}/r", "data");
        await _zk.CreateAsync($"{_root}/r/kid", "x");

        var results = await _zk.MultiReadAsync([ReadOperation.GetData($"{_root}/r"), ReadOperation.GetData($"{_root}/missing"), ReadOperation.GetChildren($"{_root}/r")]);

        Assert.Equal("data", Encoding.UTF8.GetString(Assert.IsType<DataReadResult>(results[0]).Node.Data));
        Assert.Equal(ZooKeeperErrorCode.NoNode, Assert.IsType<ErrorReadResult>(results[1]).Error);
        Assert.Equal(["kid"], Assert.IsType<ChildrenReadResult>(results[2]).Children);
    }
}
