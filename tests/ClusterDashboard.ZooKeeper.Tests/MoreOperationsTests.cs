using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>The operations beyond create/read/write: ACLs and auth, TTL and container nodes, sync, persistent
/// watches, session introspection.</summary>
public sealed class MoreOperationsTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _zk = null!;
    private readonly string _root = TestPaths.Unique("more");

    public async Task InitializeAsync()
    {
        _zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await _zk.CreateAsync(_root, (string?)null);
    }

    public async Task DisposeAsync() => await _zk.DisposeAsync();

    private Task<ZooKeeperClient> ConnectAsync(params string[] digest) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, DigestAuth = digest });

    [Fact]
    public async Task A_digest_acl_lets_its_user_in_and_keeps_others_out_with_NoAuth()
    {
        await using var alice = await ConnectAsync("alice:secret");
        await alice.CreateAsync($"{_root}/secret", Encoding.UTF8.GetBytes("s"), CreateMode.Persistent, Acl.CreatorAll);
        await using var bob = await ConnectAsync("bob:pw");

        var denied = await Assert.ThrowsAsync<ZooKeeperException>(() => bob.GetDataAsync($"{_root}/secret"));
        var read = await alice.GetDataAsync($"{_root}/secret");
        var acl = await alice.GetAclAsync($"{_root}/secret");

        Assert.Equal(ZooKeeperErrorCode.NoAuth, denied.Code);
        Assert.Equal("s", Encoding.UTF8.GetString(read.Data));
        Assert.Equal([new Acl(Permissions.All, new ZooKeeperId("digest", "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E="))], acl.Acl);
        Assert.Equal(acl.Acl[0].Id, ZooKeeperId.Digest("alice", "secret"));
    }

    [Fact]
    public async Task Auth_added_after_connecting_applies_and_whoAmI_shows_it()
    {
        await _zk.CreateAsync($"{_root}/for-carol", Encoding.UTF8.GetBytes("c"), CreateMode.Persistent,
            [new Acl(Permissions.Read, ZooKeeperId.Digest("carol", "pw"))]);
        await using var carol = await ConnectAsync();
        await Assert.ThrowsAsync<ZooKeeperException>(() => carol.GetDataAsync($"{_root}/for-carol"));

        await carol.AddDigestAuthAsync("carol", "pw");

        Assert.Equal("c", Encoding.UTF8.GetString((await carol.GetDataAsync($"{_root}/for-carol")).Data));
        Assert.Contains(new ClientIdentity("digest", "carol"), await carol.WhoAmIAsync());
    }

    [Fact]
    public async Task SetAcl_with_a_stale_version_is_BadVersion_and_a_read_only_acl_refuses_writes()
    {
        await _zk.CreateAsync($"{_root}/ro", "x");
        var stat = await _zk.SetAclAsync($"{_root}/ro", Acl.OpenUnsafe, aclVersion: 0);

        var stale = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.SetAclAsync($"{_root}/ro", Acl.ReadUnsafe, aclVersion: 0));
        await _zk.SetAclAsync($"{_root}/ro", Acl.ReadUnsafe, aclVersion: 1);
        var write = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.SetDataAsync($"{_root}/ro", Encoding.UTF8.GetBytes("y")));

        Assert.Equal(1, stat.Aversion);
        Assert.Equal(ZooKeeperErrorCode.BadVersion, stale.Code);
        Assert.Equal(ZooKeeperErrorCode.NoAuth, write.Code);
    }

    [Fact]
    public async Task Ttl_and_container_nodes_are_created_with_their_own_opcodes()
    {
        var ttl = await _zk.CreateAsync($"{_root}/ttl", Encoding.UTF8.GetBytes("t"), CreateMode.PersistentWithTtl, ttl: TimeSpan.FromMinutes(5));
        var container = await _zk.CreateAsync($"{_root}/box", (ReadOnlyMemory<byte>?)null, CreateMode.Container);
        var sequentialTtl = await _zk.CreateAsync($"{_root}/ttl-", (ReadOnlyMemory<byte>?)null, CreateMode.PersistentSequentialWithTtl, ttl: TimeSpan.FromMinutes(5));

        Assert.Equal($"{_root}/ttl", ttl.Path);
        Assert.Equal($"{_root}/box", container.Path);
        Assert.Matches(@"/ttl-\d{10}$", sequentialTtl.Path);
        await Assert.ThrowsAsync<ArgumentException>(() => _zk.CreateAsync($"{_root}/no-ttl", (ReadOnlyMemory<byte>?)null, CreateMode.PersistentWithTtl));
    }

    [Fact]
    public async Task GetEphemerals_and_GetAllChildrenNumber_describe_the_session_and_the_tree()
    {
        await _zk.CreateAsync($"{_root}/tree", (string?)null);
        await _zk.CreateAsync($"{_root}/tree/a", (string?)null);
        await _zk.CreateAsync($"{_root}/tree/a/b", (string?)null);
        await _zk.CreateAsync($"{_root}/tree/e", "x", CreateMode.Ephemeral);

        Assert.Equal(3, await _zk.GetAllChildrenNumberAsync($"{_root}/tree"));
        Assert.Equal([$"{_root}/tree/e"], await _zk.GetEphemeralsAsync($"{_root}/tree"));
        var missing = await Assert.ThrowsAsync<ZooKeeperException>(() => _zk.GetAllChildrenNumberAsync($"{_root}/nope"));
        Assert.Equal(ZooKeeperErrorCode.NoNode, missing.Code);
    }

    [Fact]
    public async Task A_persistent_recursive_watch_reports_every_descendant_and_stays()
    {
        await _zk.CreateAsync($"{_root}/rec", (string?)null);
        var events = new List<(WatchEventType, string?)>();
        await _zk.AddWatchAsync($"{_root}/rec", e =>
        {
            lock (events)
            {
                events.Add((e.Type, e.Path));
            }
        }, AddWatchMode.PersistentRecursive);

        await _zk.CreateAsync($"{_root}/rec/a", (string?)null);
        await _zk.CreateAsync($"{_root}/rec/a/b", "1");
        await _zk.SetDataAsync($"{_root}/rec/a/b", Encoding.UTF8.GetBytes("2"));
        await _zk.DeleteAsync($"{_root}/rec/a/b");
        await _zk.SyncAsync($"{_root}/rec");

        lock (events)
        {
            Assert.Equal(
                [
                    (WatchEventType.NodeCreated, $"{_root}/rec/a"),
                    (WatchEventType.NodeCreated, $"{_root}/rec/a/b"),
                    (WatchEventType.NodeDataChanged, $"{_root}/rec/a/b"),
                    (WatchEventType.NodeDeleted, $"{_root}/rec/a/b"),
                ],
                events);
        }
    }

    [Fact]
    public async Task Sync_then_read_sees_a_write_made_by_another_session()
    {
        await using var other = await ConnectAsync();
        await other.CreateAsync($"{_root}/synced", "v");

        await _zk.SyncAsync($"{_root}/synced");

        Assert.NotNull(await _zk.ExistsAsync($"{_root}/synced"));
    }
}
