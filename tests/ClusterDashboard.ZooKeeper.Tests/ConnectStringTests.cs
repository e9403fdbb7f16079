using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class ConnectStringTests
{
    [Fact]
    public void Parses_servers_ports_and_chroot()
    {
        var parsed = ConnectString.Parse("a:1, b ,c:3/app/x");

        Assert.Equal(["a:1", "b:2181", "c:3"], parsed.Servers.Select(s => $"{s.Host}:{s.Port}"));
        Assert.Equal("/app/x", parsed.Chroot);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a:99999", "invalid port")]
    [InlineData("a:1/bad//chroot", "empty segment")]
    [InlineData("/only-chroot", "names no server")]
    public void Rejects_bad_connect_strings_with_a_reason(string value, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ConnectString.Parse(value));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
