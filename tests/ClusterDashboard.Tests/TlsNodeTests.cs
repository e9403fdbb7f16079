using System.Net;
using ClusterDashboard.Cluster;
using ClusterDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Tests;

/// <summary>Nodes configured the way an operator would, against a server that accepts TLS clients only and asks each
/// for a certificate its CA signed.</summary>
public sealed class TlsNodeTests(TlsZooKeeperFixture zookeeper) : IClassFixture<TlsZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Nodes_run_their_whole_election_over_TLS_against_a_TLS_only_server()
    {
        var certificates = zookeeper.Certificates;
        var connectString = zookeeper.ConnectString + TestPaths.Unique("tls-election");
        // One node with keytool's PKCS12 (its certificate from an intermediate CA), the other with PEM files, as
        // openssl users keep them.
        var (certificatePem, keyPem) = ExportPem(certificates, Path.Combine(certificates.Directory, $"pem-{Guid.NewGuid():N}"));
        var pkcs12 = new Dictionary<string, string?>
        {
            ["ZooKeeper:Tls:Enabled"] = "true",
            ["ZooKeeper:Tls:CaFile"] = certificates.CaPem,
            // Signed by an intermediate CA the servers do not know: the node must send it along from the store.
            ["ZooKeeper:Tls:ClientCertificateFile"] = certificates.IntermediateClientKeyStore,
            ["ZooKeeper:Tls:ClientCertificatePassword"] = TestCertificates.Password,
        };
        var pem = new Dictionary<string, string?>
        {
            ["ZooKeeper:Tls:Enabled"] = "true",
            ["ZooKeeper:Tls:CaFile"] = certificates.TrustStore,
            ["ZooKeeper:Tls:CaPassword"] = TestCertificates.Password,
            ["ZooKeeper:Tls:ClientCertificateFile"] = certificatePem,
            ["ZooKeeper:Tls:ClientKeyFile"] = keyPem,
        };
        await using var first = new DashboardNode("node-1", connectString, extraSettings: pkcs12, captureLogsFrom: LogLevel.Trace).Start();
        await using var second = new DashboardNode("node-2", connectString, extraSettings: pem, captureLogsFrom: LogLevel.Trace).Start();
        DashboardNode[] nodes = [first, second];

        var leader = await AgreedAsync(nodes, l => l is not null);
        var follower = nodes.Single(n => n.NodeId != leader.NodeId);
        // Ready a moment after agreeing: a node can name the leader from its view before its own checks have all passed.
        foreach (var node in nodes)
        {
            await Eventually.UntilAsync(
                async ct =>
                {
                    using var ready = await node.Http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                    return ready.StatusCode == HttpStatusCode.OK;
                },
                Deadline,
                $"{node.NodeId} is ready over TLS");
        }

        // The ensemble panel asks its four-letter words inside TLS too, and finds both nodes' sessions there.
        var servers = await Eventually.UntilAsync(
            _ => follower.Services.GetRequiredService<EnsembleProbe>().ReadAsync(),
            views => views.All(v => v.Reach == ServerReach.Answered) && views.SelectMany(v => v.Sessions).Count(s => s.Owner is not null) >= 2,
            Deadline,
            "the ensemble probe answers over TLS with the nodes' sessions");
        Assert.Contains(servers[0].Sessions, s => s.Owner == $"{follower.NodeId}'s participant session");

        // The leader leaves: the other takes over, all over TLS.
        var leaving = nodes.Single(n => n.NodeId == leader.NodeId);
        await leaving.DisposeAsync();
        var next = await Eventually.UntilAsync(ct => follower.Http.GetLeaderAsync(ct), l => l?.NodeId == follower.NodeId, Deadline, "the follower leads after the leader leaves");
        Assert.True(next!.Epoch > leader.Epoch, $"epoch {next.Epoch} must exceed {leader.Epoch}");
        // At trace level, with their stores' passwords in their settings (node-1 its key store's, node-2 its trust
        // store's), the nodes logged a lot and never a password.
        foreach (var node in nodes)
        {
            Assert.True(node.Logs.Lines.Count > 20, $"{node.NodeId} logged at trace level ({node.Logs.Lines.Count} lines)");
            Assert.DoesNotContain(node.Logs.Lines, l => l.Contains(TestCertificates.Password, StringComparison.Ordinal));
        }
    }

    private static async Task<Api.LeaderResponse> AgreedAsync(DashboardNode[] nodes, Func<Api.LeaderResponse?, bool> wanted)
    {
        var leaders = await Eventually.UntilAsync(
            async ct => await Task.WhenAll(nodes.Select(n => n.Http.GetLeaderAsync(ct))),
            all => all.All(wanted) && all.Select(l => l?.Znode).Distinct().Count() == 1,
            Deadline,
            "both nodes name the same leader over TLS");
        return leaders[0]!;
    }

    private static (string Certificate, string Key) ExportPem(TestCertificates certificates, string prefix)
    {
        using var client = certificates.ClientCertificate;
        using var key = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(client)!;
        File.WriteAllText(prefix + "-cert.pem", client.ExportCertificatePem());
        File.WriteAllText(prefix + "-key.pem", key.ExportPkcs8PrivateKeyPem());
        return (prefix + "-cert.pem", prefix + "-key.pem");
    }
}
