using System.Text;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

public sealed class TreeCacheTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task The_cache_loads_the_tree_and_follows_every_change_in_zxid_order()
    {
        var root = TestPaths.Unique("tree");
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await zk.CreateAsync(root, "r");
        await zk.CreateAsync($"{root}/a", "1");
        var cache = new TreeCache([root], TimeProvider.System);
        var events = System.Threading.Channels.Channel.CreateUnbounded<WatchedEvent>();
        await zk.AddWatchAsync(root, e => events.Writer.TryWrite(e), AddWatchMode.PersistentRecursive);

        var loaded = await cache.LoadAsync(zk, CancellationToken.None);
        var changes = new List<ZnodeChange?>();
        async Task StepAsync(Func<Task> change)
        {
            await change();
            var e = await events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            changes.Add(await cache.ApplyAsync(zk, e, CancellationToken.None));
        }

        await StepAsync(() => zk.CreateAsync($"{root}/a/b", "2"));
        await StepAsync(() => zk.SetDataAsync($"{root}/a", Encoding.UTF8.GetBytes("1'")));
        await StepAsync(() => zk.DeleteAsync($"{root}/a/b"));

        Assert.Equal([root, $"{root}/a"], loaded.Select(c => c.Path).Order(StringComparer.Ordinal));
        Assert.Equal([ZnodeChangeKind.Created, ZnodeChangeKind.DataChanged, ZnodeChangeKind.Deleted], changes.Select(c => c!.Kind));
        Assert.True(changes[0]!.Zxid < changes[1]!.Zxid && changes[1]!.Zxid < changes[2]!.Zxid, "zxids follow the order of the changes");
        var snapshot = cache.Snapshot();
        Assert.Equal([root, $"{root}/a"], snapshot.Nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1'", Encoding.UTF8.GetString(snapshot.Nodes[$"{root}/a"].Data));
        Assert.Equal(changes[2]!.Zxid, snapshot.Zxid);
    }
}
