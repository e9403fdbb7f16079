using System.Globalization;
using System.Text;
using System.Text.Json;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>Our znodes read by clients nobody here wrote, and theirs by us.</summary>
public sealed class InteropTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    [Fact]
    public async Task Kazoo_reads_our_data_and_our_ephemeral_sequential_candidates()
    {
        var root = TestPaths.Unique("to-kazoo");
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await zk.CreateAsync(root, "héllo ünicode");
        var first = await zk.CreateAsync($"{root}/n_", "a", CreateMode.EphemeralSequential);
        var second = await zk.CreateAsync($"{root}/n_", "b", CreateMode.EphemeralSequential);

        var output = await ExternalClient.KazooAsync(zookeeper.ConnectString, $$"""
            data, stat = zk.get("{{root}}")
            children = sorted(zk.get_children("{{root}}"))
            owners = [zk.exists("{{root}}/" + c).ephemeralOwner for c in children]
            print(json.dumps({"data": data.decode("utf-8"), "children": children, "owners": owners}))
            """);

        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Assert.Equal("héllo ünicode", json.RootElement.GetProperty("data").GetString());
        Assert.Equal([ZooKeeperPath.Name(first.Path), ZooKeeperPath.Name(second.Path)], json.RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetString()));
        Assert.All(json.RootElement.GetProperty("owners").EnumerateArray(), o => Assert.Equal(zk.SessionId, o.GetInt64()));
    }

    [Fact]
    public async Task We_read_kazoos_ephemeral_sequential_znodes_with_its_session_as_owner_until_it_leaves()
    {
        var root = TestPaths.Unique("from-kazoo");
        using var kazoo = ExternalClient.StartKazoo(zookeeper.ConnectString, $$"""
            zk.ensure_path("{{root}}")
            path = zk.create("{{root}}/n_", b"from kazoo", ephemeral=True, sequence=True)
            print(json.dumps({"path": path, "session": zk.client_id[0]}))
            """);
        var line = await kazoo.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException(await kazoo.StandardError.ReadToEndAsync());
        using var json = JsonDocument.Parse(line);
        var path = json.RootElement.GetProperty("path").GetString()!;
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });

        var read = await zk.GetDataAsync(path);
        var gone = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.ExistsAsync(path, e => gone.TrySetResult(e));
        await kazoo.StandardInput.WriteLineAsync();
        await kazoo.StandardInput.FlushAsync();

        Assert.Matches(@"/n_\d{10}$", path);
        Assert.Equal("from kazoo", Encoding.UTF8.GetString(read.Data));
        Assert.Equal(json.RootElement.GetProperty("session").GetInt64(), read.Stat.EphemeralOwner);
        Assert.Equal(WatchEventType.NodeDeleted, (await gone.Task.WaitAsync(TimeSpan.FromSeconds(20))).Type);
    }

    [Fact]
    public async Task ZkCli_reads_our_znode_and_we_read_a_sequential_one_it_made()
    {
        var root = TestPaths.Unique("zkcli");
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await zk.CreateAsync(root, "made-by-us");

        var got = await ExternalClient.ZkCliAsync(zookeeper.ConnectString, "get", root);
        await ExternalClient.ZkCliAsync(zookeeper.ConnectString, "create", "-s", $"{root}/n_", "made-by-zkcli");
        var children = await zk.GetChildrenAsync(root);

        Assert.Contains("made-by-us", got, StringComparison.Ordinal);
        var child = Assert.Single(children);
        Assert.Equal("made-by-zkcli", Encoding.UTF8.GetString((await zk.GetDataAsync($"{root}/{child}")).Data));
        Assert.Equal(0, long.Parse(child[^10..], CultureInfo.InvariantCulture));
    }
}
