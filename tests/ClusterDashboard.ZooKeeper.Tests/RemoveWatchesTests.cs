using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class RemoveWatchesTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task A_removed_watch_hears_its_removal_and_never_the_change()
    {
        var root = TestPaths.Unique("rw");
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await zk.CreateAsync(root, "x");
        var events = new List<WatchEventType>();
        void Watcher(WatchedEvent e)
        {
            lock (events)
            {
                events.Add(e.Type);
            }
        }

        await zk.GetDataAsync(root, Watcher);
        Assert.True(await zk.CheckWatchesAsync(root, WatcherType.Data));

        await zk.RemoveWatchesAsync(root, WatcherType.Data, Watcher);
        await zk.SetDataAsync(root, Encoding.UTF8.GetBytes("y"));
        await zk.SyncAsync(root);

        Assert.False(await zk.CheckWatchesAsync(root, WatcherType.Data));
        lock (events)
        {
            Assert.Equal([WatchEventType.DataWatchRemoved], events);
        }

        var none = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.RemoveWatchesAsync(root, WatcherType.Data, Watcher));
        Assert.Equal(ZooKeeperErrorCode.NoWatcher, none.Code);
    }
}
