using Xunit;

namespace ClusterDashboard.Testing;

/// <summary>One standalone server that accepts clients over TLS only, with a client certificate its CA signed.</summary>
public sealed class TlsZooKeeperFixture : IAsyncLifetime
{
    public ZooKeeperCluster Cluster { get; private set; } = null!;

    public string ConnectString => Cluster.ConnectString;

    public TestCertificates Certificates => Cluster.Certificates!;

    public async Task InitializeAsync() => Cluster = await ZooKeeperCluster.StartAsync(1, new ZooKeeperClusterOptions { Tls = ClientTls.Only });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
