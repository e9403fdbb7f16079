using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>When a participant may decide on the stats it remembers, and when it must read them again, on a real
/// server.</summary>
public sealed class CandidateStatCacheTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>, IAsyncLifetime
{
    private ZooKeeperClient _zk = null!;
    private readonly string _election = TestPaths.Unique("stats");

    public async Task InitializeAsync()
    {
        _zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await _zk.CreateAsync(_election, (string?)null);
    }

    public async Task DisposeAsync() => await _zk.DisposeAsync();

    private async Task<string> JoinAsync(ZooKeeperClient zk) =>
        ZooKeeperPath.Name((await zk.CreateAsync($"{_election}/n_", (ReadOnlyMemory<byte>?)null, CreateMode.EphemeralSequential)).Path);

    private async Task<(IReadOnlyList<string> Names, long Creates)> ListAsync()
    {
        var children = await _zk.GetChildrenWithStatAsync(_election);
        return (children.Children, CandidateQueue.CreatesOf(children.Stat));
    }

    [Fact]
    public async Task Names_listed_since_the_last_pass_are_counted_not_judged_and_learned_after()
    {
        var cache = new CandidateStatCache(_election);
        var first = await JoinAsync(_zk);
        var (names, creates) = await ListAsync();
        var (known, newer) = await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);
        Assert.Equal([first], known.Select(c => c.Name));
        Assert.Equal(0, newer);

        var second = await JoinAsync(_zk);
        (names, creates) = await ListAsync();
        (known, newer) = await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);
        Assert.Equal([first], known.Select(c => c.Name));
        Assert.Equal(1, newer);

        await cache.CatchUpAsync(_zk, CancellationToken.None);
        (known, newer) = await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);
        Assert.Equal([first, second], known.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, newer);
        Assert.Equal((await _zk.ExistsAsync($"{_election}/{second}"))!.Czxid, known.Single(c => c.Name == second).Czxid);
    }

    [Fact]
    public async Task A_name_removed_and_made_again_between_two_passes_is_read_again()
    {
        var cache = new CandidateStatCache(_election);
        await using var other = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString });
        await JoinAsync(_zk);
        var theirs = await JoinAsync(other);
        var (names, creates) = await ListAsync();
        var (before, _) = await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);

        // Same name, another znode: made plain by another session, as a forger would.
        await other.DeleteAsync($"{_election}/{theirs}");
        await _zk.CreateAsync($"{_election}/{theirs}", (ReadOnlyMemory<byte>?)null, CreateMode.Ephemeral);
        (names, creates) = await ListAsync();
        var (after, newer) = await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);

        Assert.Equal(0, newer);
        Assert.NotEqual(before.Single(c => c.Name == theirs).Czxid, after.Single(c => c.Name == theirs).Czxid);
        Assert.Equal(_zk.SessionId, after.Single(c => c.Name == theirs).EphemeralOwner);
    }

    [Fact]
    public async Task A_pass_that_skipped_learning_its_new_names_makes_the_next_one_read_them()
    {
        var cache = new CandidateStatCache(_election);
        var first = await JoinAsync(_zk);
        var (names, creates) = await ListAsync();
        await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);
        var second = await JoinAsync(_zk);
        (names, creates) = await ListAsync();
        await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);

        // No catch-up: the next pass, with nothing new, must not treat the unlearned name as new again.
        var (known, newer) = await cache.ChildrenAsync(_zk, names, creates, CancellationToken.None);

        Assert.Equal(0, newer);
        Assert.Equal([first, second], known.Select(c => c.Name).Order(StringComparer.Ordinal));
    }
}
