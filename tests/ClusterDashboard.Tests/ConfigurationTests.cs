using Microsoft.Extensions.Options;

namespace ClusterDashboard.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("ZooKeeper:ConnectString", "", "ZooKeeper:ConnectString is required")]
    [InlineData("ZooKeeper:ConnectString", "host:notaport", "ZooKeeper:ConnectString is invalid")]
    [InlineData("ZooKeeper:SessionTimeout", "00:05:00", "ZooKeeper:SessionTimeout must be between")]
    [InlineData("Cluster:NodeId", "node 1/x", "Cluster:NodeId 'node 1/x' may contain only")]
    [InlineData("Cluster:AdvertisedUrl", "not-a-url", "Cluster:AdvertisedUrl must be an absolute http or https URL")]
    public void A_bad_setting_stops_start_up_with_a_message_naming_it(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ZooKeeper:ConnectString"] = "127.0.0.1:2181",
            ["Cluster:NodeId"] = "node-1",
            ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5001",
            [key] = value,
        };
        using var app = new FakeDashboard(new FakeCoordination(), settings);

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
