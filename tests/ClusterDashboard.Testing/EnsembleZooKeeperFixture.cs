using Xunit;

namespace ClusterDashboard.Testing;

/// <summary>A 3-server ensemble shared by a test class.</summary>
public sealed class EnsembleZooKeeperFixture : IAsyncLifetime
{
    public ZooKeeperCluster Cluster { get; private set; } = null!;

    public string ConnectString => Cluster.ConnectString;

    public async Task InitializeAsync() => Cluster = await ZooKeeperCluster.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
