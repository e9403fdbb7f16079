using Xunit;

namespace ClusterDashboard.Testing;

/// <summary>One standalone server shared by a test class; tests keep apart by unique paths or chroots.</summary>
public sealed class StandaloneZooKeeperFixture : IAsyncLifetime
{
    public ZooKeeperCluster Cluster { get; private set; } = null!;

    public string ConnectString => Cluster.ConnectString;

    public async Task InitializeAsync() => Cluster = await ZooKeeperCluster.StartAsync(1);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
