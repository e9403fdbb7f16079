using ClusterDashboard.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Tests;

public sealed class ConfigurationTests
{
    // The app's own registration on a host that is started directly: through WebApplicationFactory a start that fails
    // races the factory, which then reports ObjectDisposedException instead of the validation error (aspnetcore#33494).
    [Theory]
    [InlineData("ZooKeeper:ConnectString", "", "ZooKeeper:ConnectString is required")]
    [InlineData("ZooKeeper:ConnectString", "host:notaport", "ZooKeeper:ConnectString is invalid")]
    [InlineData("ZooKeeper:SessionTimeout", "00:05:00", "ZooKeeper:SessionTimeout must be between")]
    [InlineData("ZooKeeper:SessionTimeout", "00:00:00.500", "ZooKeeper:SessionTimeout must be between")]
    [InlineData("Cluster:NodeId", "", "Cluster:NodeId is required")]
    [InlineData("Cluster:NodeId", "node 1/x", "Cluster:NodeId 'node 1/x' may contain only")]
    [InlineData("Cluster:AdvertisedUrl", "not-a-url", "Cluster:AdvertisedUrl must be an absolute http or https URL")]
    [InlineData("Cluster:AdvertisedUrl", "ftp://127.0.0.1/", "Cluster:AdvertisedUrl must be an absolute http or https URL")]
    // In a container, 127.0.0.1 is the container itself.
    [InlineData("Cluster:InContainer", "true", "ZooKeeper:ConnectString names 127.0.0.1:2181, which inside a container is the container itself")]
    [InlineData("Cluster:InContainer", "true", "Cluster:AdvertisedUrl is http://127.0.0.1:5001, which other nodes and browsers cannot reach")]
    public async Task A_bad_setting_stops_start_up_with_a_message_naming_it(string key, string value, string expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ZooKeeper:ConnectString"] = "127.0.0.1:2181",
            ["Cluster:NodeId"] = "node-1",
            ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5001",
            [key] = value,
        });
        builder.AddClusterNode();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Good_settings_start_without_waiting_for_zookeeper()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Nothing listens on port 1: start-up must not wait for the cluster.
            ["ZooKeeper:ConnectString"] = "127.0.0.1:1",
            ["Cluster:NodeId"] = "node-1",
            ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5001",
        });
        builder.AddClusterNode();
        await using var app = builder.Build();

        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await app.StopAsync();
    }

    [Fact]
    public async Task In_a_container_loopback_is_accepted_only_when_allowed_and_real_addresses_always()
    {
        foreach (var settings in new[]
        {
            new Dictionary<string, string?> { ["ZooKeeper:ConnectString"] = "127.0.0.1:1", ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5001", ["Cluster:AllowLoopback"] = "true" },
            new Dictionary<string, string?> { ["ZooKeeper:ConnectString"] = "zk1:2181,zk2:2181/cd", ["Cluster:AdvertisedUrl"] = "http://node-1:8080" },
        })
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Cluster:NodeId"] = "node-1", ["Cluster:InContainer"] = "true" });
            builder.AddClusterNode();
            await using var app = builder.Build();

            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await app.StopAsync();
        }
    }
}
