using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class MultiTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _zk = null!;
    private readonly string _root = TestPaths.Unique("multi");

    public async Task InitializeAsync()
    {
        _zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await _zk.CreateAsync(_root, (string?)null);
    }

    public async Task DisposeAsync() => await _zk.DisposeAsync();

    [Fact]
    public async Task A_multi_applies_every_operation_and_reports_each_result()
    {
        await _zk.CreateAsync($"{_root}/old", "x");

        var results = await _zk.MultiAsync(
        [
            Operation.Check($"{_root}/old", 0),
            Operation.Create($"{_root}/new", Encoding.UTF8.GetBytes("n")),
            Operation.SetData($"{_root}/new", Encoding.UTF8.GetBytes("m")),
            Operation.Delete($"{_root}/old"),
        ]);

        Assert.IsType<CheckOperationResult>(results[0]);
        Assert.Equal($"{_root}/new", Assert.IsType<CreateOperationResult>(results[1]).Path);
        Assert.Equal(1, Assert.IsType<SetDataOperationResult>(results[2]).Stat.Version);
        Assert.IsType<DeleteOperationResult>(results[3]);
        Assert.Null(await _zk.ExistsAsync($"{_root}/old"));
        Assert.Equal("m", Encoding.UTF8.GetString((await _zk.GetDataAsync($"{_root}/new")).Data));
    }

    [Fact]
    public async Task A_failing_check_applies_nothing_and_names_the_failing_operation()
    {
        await _zk.CreateAsync($"{_root}/guard", "x");

        var error = await Assert.ThrowsAsync<MultiOperationException>(() => _zk.MultiAsync(
        [
            Operation.Create($"{_root}/would-be", null),
            Operation.Check($"{_root}/guard", 5),
            Operation.SetData($"{_root}/guard", Encoding.UTF8.GetBytes("y")),
        ]));

        Assert.Equal(ZooKeeperErrorCode.BadVersion, error.Code);
        Assert.Equal(1, error.FailedIndex);
        Assert.Equal($"{_root}/guard", error.Path);
        Assert.Equal([ZooKeeperErrorCode.Ok, ZooKeeperErrorCode.BadVersion, ZooKeeperErrorCode.RuntimeInconsistency], error.Results.Select(r => r.Error));
        Assert.Null(await _zk.ExistsAsync($"{_root}/would-be"));
        Assert.Equal("x", Encoding.UTF8.GetString((await _zk.GetDataAsync($"{_root}/guard")).Data));
    }
}
