using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class ZooKeeperPathTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b.c/...")]
    [InlineData("/zookeeper")]
    [InlineData("/ü space")]
    public void Accepts_valid_paths(string path) => Assert.Null(ZooKeeperPath.Check(path));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a", "start with '/'")]
    [InlineData("/a/", "end with '/'")]
    [InlineData("/a//b", "empty segment")]
    [InlineData("/a/./b", "relative segment")]
    [InlineData("/a/..", "relative segment")]
    [InlineData("/a\u0000b", "U+0000")]
    [InlineData("/a\ue000", "U+E000")]
    public void Rejects_invalid_paths_saying_why(string path, string reason) =>
        Assert.Contains(reason, ZooKeeperPath.Check(path), StringComparison.Ordinal);

    [Fact]
    public void A_sequential_create_may_end_with_a_slash() => Assert.Null(ZooKeeperPath.Check("/p/", isSequential: true));
}
