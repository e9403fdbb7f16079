using System.Text;
using System.Threading.Channels;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

public sealed class TreeCacheTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task The_cache_loads_the_tree_and_follows_every_change_in_zxid_order()
    {
        await using var tree = await CachedRootAsync(("a", "1"));
        var (root, zk, cache) = (tree.Root, tree.Zk, tree.Cache);
        var changes = new List<ZnodeChange?>();
        async Task StepAsync(Func<Task> change)
        {
            await change();
            changes.Add(await cache.ApplyAsync(zk, await tree.NextEventAsync(), CancellationToken.None));
        }

        await StepAsync(() => zk.CreateAsync($"{root}/a/b", "2"));
        await StepAsync(() => zk.SetDataAsync($"{root}/a", Encoding.UTF8.GetBytes("1'")));
        await StepAsync(() => zk.DeleteAsync($"{root}/a/b"));

        Assert.Equal([root, $"{root}/a"], tree.Loaded.Select(c => c.Path).Order(StringComparer.Ordinal));
        Assert.Equal([ZnodeChangeKind.Created, ZnodeChangeKind.DataChanged, ZnodeChangeKind.Deleted], changes.Select(c => c!.Kind));
        Assert.True(changes[0]!.Zxid < changes[1]!.Zxid && changes[1]!.Zxid < changes[2]!.Zxid, "zxids follow the order of the changes");
        var snapshot = cache.Snapshot();
        Assert.Equal([root, $"{root}/a"], snapshot.Nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1'", Encoding.UTF8.GetString(snapshot.Nodes[$"{root}/a"].Data));
        Assert.Equal(changes[2]!.Zxid, snapshot.Zxid);
    }

    [Fact]
    public async Task Events_whose_reads_travel_together_leave_the_cache_as_a_fresh_load_would()
    {
        await using var tree = await CachedRootAsync();
        var (root, zk, cache) = (tree.Root, tree.Zk, tree.Cache);

        // A burst like a failover's: creates, data changes and deletes of siblings, all under one parent.
        await zk.CreateAsync($"{root}/a", "1");
        await zk.CreateAsync($"{root}/b", "2");
        await zk.SetDataAsync($"{root}/a", Encoding.UTF8.GetBytes("1'"));
        await zk.DeleteAsync($"{root}/b");
        await zk.CreateAsync($"{root}/c", "3");
        await zk.SetDataAsync($"{root}/c", Encoding.UTF8.GetBytes("3'"));
        var burst = new List<WatchedEvent>();
        while (burst.Count < 6)
        {
            burst.Add(await tree.NextEventAsync());
        }

        // Every read on the wire before the first is applied, then applied in the events' order.
        var pending = burst.Select(e => cache.Begin(zk, e, CancellationToken.None)).ToList();
        var changes = new List<ZnodeChange?>();
        foreach (var p in pending)
        {
            changes.Add(await cache.ApplyAsync(p));
        }

        var fresh = new TreeCache([root], TimeProvider.System);
        await fresh.LoadAsync(zk, CancellationToken.None);
        var expected = fresh.Snapshot().Nodes;
        var actual = cache.Snapshot().Nodes;
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, node) in expected)
        {
            Assert.Equal(node.Stat, actual[path].Stat); // the parent's child count and pzxid included
            Assert.Equal(Encoding.UTF8.GetString(node.Data), Encoding.UTF8.GetString(actual[path].Data));
        }

        // b was gone before its create was read: it never enters the cache, and its delete changes nothing.
        Assert.Equal([$"{root}/a", $"{root}/a", $"{root}/c", $"{root}/c"], changes.OfType<ZnodeChange>().Select(c => c.Path));
        var zxids = changes.OfType<ZnodeChange>().Select(c => c.Zxid).ToList();
        Assert.Equal(zxids.Order(), zxids);
        Assert.Equal(fresh.Zxid, cache.Zxid);
    }

    [Fact]
    public async Task A_deletion_leaves_the_cache_before_its_zxid_is_read_and_its_change_then_carries_that_zxid()
    {
        await using var tree = await CachedRootAsync(("a", "1"), ("b", "2"));
        var (root, zk, cache) = (tree.Root, tree.Zk, tree.Cache);
        var before = cache.Zxid;
        await zk.DeleteAsync($"{root}/a");
        var deleted = await tree.NextEventAsync();
        Assert.Equal(WatchEventType.NodeDeleted, deleted.Type);

        // The server frozen, the parent's read the deletion's zxid comes from cannot be answered: the cache still
        // lets the deletion out at once, with an index past every change before it.
        var server = zookeeper.Cluster.Servers[0];
        var removed = new TaskCompletionSource<TreeSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<ZnodeChange?> applying;
        await server.PauseAsync();
        try
        {
            var pending = cache.Begin(zk, deleted, CancellationToken.None);
            applying = cache.ApplyAsync(pending, () => removed.TrySetResult(cache.Snapshot()));
            var early = await removed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(pending.Reads!.IsCompleted);
            Assert.DoesNotContain($"{root}/a", early.Nodes.Keys);
            Assert.Contains($"{root}/b", early.Nodes.Keys);
            Assert.True(early.Zxid > before);
        }
        finally
        {
            await server.ResumeAsync();
        }

        var change = await applying.WaitAsync(TimeSpan.FromSeconds(10));
        var parent = await zk.ExistsAsync(root);
        Assert.Equal(ZnodeChangeKind.Deleted, change!.Kind);
        Assert.Equal(parent!.Pzxid, change.Zxid);
        Assert.Equal(parent.Pzxid, cache.Zxid);
        Assert.True((await removed.Task).Zxid <= change.Zxid);
    }

    [Fact]
    public async Task A_snapshot_lists_each_znodes_children_and_stays_as_it_was_taken()
    {
        await using var tree = await CachedRootAsync(("a", "1"), ("a/x", "2"));
        var (root, zk, cache) = (tree.Root, tree.Zk, tree.Cache);
        var loaded = cache.Snapshot();

        async Task StepAsync(Func<Task> change)
        {
            await change();
            await cache.ApplyAsync(zk, await tree.NextEventAsync(), CancellationToken.None);
        }

        await StepAsync(() => zk.CreateAsync($"{root}/b", "3"));
        await StepAsync(() => zk.CreateAsync($"{root}/a/y", "4"));
        await StepAsync(() => zk.CreateAsync($"{root}/a/y/z", "5"));
        var grown = cache.Snapshot();
        // The subtree under y goes, z first, as ZooKeeper requires.
        await StepAsync(() => zk.DeleteAsync($"{root}/a/y/z"));
        await StepAsync(() => zk.DeleteAsync($"{root}/a/y"));
        var shrunk = cache.Snapshot();

        Assert.Equal([$"{root}/a"], Listed(loaded, root));
        Assert.Equal([$"{root}/a/x"], Listed(loaded, $"{root}/a"));
        Assert.Equal([$"{root}/a", $"{root}/b"], Listed(grown, root));
        Assert.Equal([$"{root}/a/x", $"{root}/a/y"], Listed(grown, $"{root}/a"));
        Assert.Equal([$"{root}/a/y/z"], Listed(grown, $"{root}/a/y"));
        Assert.Equal([$"{root}/a/x"], Listed(shrunk, $"{root}/a"));
        Assert.Empty(Listed(shrunk, $"{root}/a/y"));
        Assert.Equal("5", Encoding.UTF8.GetString(grown.ChildrenOf($"{root}/a/y").Single().Value.Data));

        // Snapshots taken earlier are what they were: later changes do not reach into them.
        Assert.Equal(3, loaded.Nodes.Count);
        Assert.Equal(6, grown.Nodes.Count);
        Assert.Equal(4, shrunk.Nodes.Count);

        // A reload after changes the cache was not told of (a reconnect): the index is the new tree's. Deleted with its
        // child, a/x goes from the index; b gains a child.
        await zk.DeleteAsync($"{root}/a/x");
        await zk.DeleteAsync($"{root}/a");
        await zk.CreateAsync($"{root}/b/c", "6");
        await cache.LoadAsync(zk, CancellationToken.None);
        var reloaded = cache.Snapshot();
        Assert.Equal([$"{root}/b"], Listed(reloaded, root));
        Assert.Empty(Listed(reloaded, $"{root}/a"));
        Assert.Equal([$"{root}/b/c"], Listed(reloaded, $"{root}/b"));

        // A snapshot made from nodes alone (without the cache's index) lists the same children.
        var rebuilt = new TreeSnapshot(grown.Zxid, grown.Nodes.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
        foreach (var parent in grown.Nodes.Keys)
        {
            Assert.Equal(Listed(grown, parent), Listed(rebuilt, parent));
        }
    }

    [Fact]
    public async Task A_deletion_takes_whatever_the_cache_still_holds_below_the_znode_with_it()
    {
        // ZooKeeper deletes children first and tells of each, but a cache can miss a child's deletion (its event is
        // applied after the parent's, or the child's create was read too late): the parent's deletion must not leave
        // its subtree behind, in the nodes or in the children index.
        await using var tree = await CachedRootAsync(("a", "1"), ("a/x", "2"), ("a/x/y", "3"), ("b", "4"));
        var (root, zk, cache) = (tree.Root, tree.Zk, tree.Cache);
        await zk.DeleteAsync($"{root}/a/x/y");
        await zk.DeleteAsync($"{root}/a/x");
        await zk.DeleteAsync($"{root}/a");
        var events = new List<WatchedEvent>();
        while (events.Count < 3)
        {
            events.Add(await tree.NextEventAsync());
        }

        // Only the last, a's own: x and y have not been told of.
        Assert.Equal($"{root}/a", events[2].Path);
        var change = await cache.ApplyAsync(zk, events[2], CancellationToken.None);

        Assert.Equal(ZnodeChangeKind.Deleted, change!.Kind);
        var snapshot = cache.Snapshot();
        Assert.Equal([root, $"{root}/b"], snapshot.Nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([$"{root}/b"], Listed(snapshot, root));
        Assert.Empty(Listed(snapshot, $"{root}/a"));
        Assert.Empty(Listed(snapshot, $"{root}/a/x"));

        // The children's own deletions come after, and change nothing more.
        Assert.Null(await cache.ApplyAsync(zk, events[0], CancellationToken.None));
        Assert.Null(await cache.ApplyAsync(zk, events[1], CancellationToken.None));
        Assert.Equal(snapshot.Nodes.Keys.Order(StringComparer.Ordinal), cache.Snapshot().Nodes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_snapshot_copied_with_other_nodes_lists_their_children_not_the_old_ones()
    {
        static NodeData Node() => new([], new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        var first = new TreeSnapshot(1, new Dictionary<string, NodeData> { ["/r"] = Node(), ["/r/a"] = Node() });
        Assert.Equal(["/r/a"], first.ChildrenOf("/r").Select(kv => kv.Key));

        var second = first with { Nodes = new Dictionary<string, NodeData> { ["/r"] = Node(), ["/r/b"] = Node() } };
        Assert.Equal(["/r/b"], second.ChildrenOf("/r").Select(kv => kv.Key));
        Assert.Equal(["/r/a"], first.ChildrenOf("/r").Select(kv => kv.Key));
        Assert.NotEqual(first, second);
        Assert.Equal(first, first with { });
    }

    private static List<string> Listed(TreeSnapshot tree, string parent) => [.. tree.ChildrenOf(parent).Select(kv => kv.Key)];

    // How every test here begins: a root of its own with the given znodes below it (paths relative to the root, parents
    // first), a cache loaded from it, and the events of a recursive watch on it, set before the load.
    private async Task<CachedRoot> CachedRootAsync(params (string Below, string Data)[] znodes)
    {
        var root = TestPaths.Unique("tree");
        var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        try
        {
            await zk.CreateAsync(root, "r");
            foreach (var (below, data) in znodes)
            {
                await zk.CreateAsync($"{root}/{below}", data);
            }

            var cache = new TreeCache([root], TimeProvider.System);
            var events = Channel.CreateUnbounded<WatchedEvent>();
            await zk.AddWatchAsync(root, e => events.Writer.TryWrite(e), AddWatchMode.PersistentRecursive);
            var loaded = await cache.LoadAsync(zk, CancellationToken.None);
            return new CachedRoot(root, zk, cache, loaded, events.Reader);
        }
        catch
        {
            await zk.DisposeAsync();
            throw;
        }
    }

    private sealed record CachedRoot(string Root, ZooKeeperClient Zk, TreeCache Cache, IReadOnlyList<ZnodeChange> Loaded, ChannelReader<WatchedEvent> Events)
        : IAsyncDisposable
    {
        public Task<WatchedEvent> NextEventAsync() => Events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        public ValueTask DisposeAsync() => Zk.DisposeAsync();
    }
}
