using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper.Admin;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>The client over TLS to a server that accepts nothing else (secureClientPort only, ssl.clientAuth=need),
/// with stores made by keytool.</summary>
public sealed class TlsTests(TlsZooKeeperFixture zookeeper) : IClassFixture<TlsZooKeeperFixture>
{
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(4);

    private DnsEndPoint Server => new("127.0.0.1", zookeeper.Cluster.Servers[0].SecurePort!.Value);

    [Fact]
    public async Task A_session_over_TLS_writes_reads_and_is_told_of_a_change()
    {
        await using var zk = await ZooKeeperClient.ConnectAsync(Options(zookeeper.Certificates.ClientOptions()));
        var path = TestPaths.Unique("tls");
        await zk.CreateAsync(path, "1");
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync(path, e => fired.TrySetResult(e));
        await using var other = await ZooKeeperClient.ConnectAsync(Options(zookeeper.Certificates.ClientOptions()));

        await other.SetDataAsync(path, Encoding.UTF8.GetBytes("2"));

        Assert.Equal(WatchEventType.NodeDataChanged, (await fired.Task.WaitAsync(TimeSpan.FromSeconds(10))).Type);
        Assert.Equal("2", Encoding.UTF8.GetString((await zk.GetDataAsync(path)).Data));
    }

    [Fact]
    public async Task The_server_answers_nothing_in_the_clear_but_its_four_letter_words_inside_TLS()
    {
        var address = zookeeper.Cluster.Servers[0].SecureAddress!;
        var tls = ZooKeeperDialers.Tls(zookeeper.Certificates.ClientOptions());

        var status = await FourLetterWords.SrvrAsync(address, TimeSpan.FromSeconds(5), tls);

        Assert.Equal(ServerMode.Standalone, status.Mode);
        // In the clear the same port answers nothing (it waits for the rest of a TLS record that never comes): what the
        // tests here prove, they prove over TLS.
        var plain = await Record.ExceptionAsync(() => FourLetterWords.SrvrAsync(address, TimeSpan.FromSeconds(1)));
        Assert.True(plain is OperationCanceledException or IOException, $"in the clear: {plain?.GetType().Name ?? "an answer"}");
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused()
    {
        using var otherCa = SelfSignedAuthority("CN=Someone else's CA");
        var dial = ZooKeeperDialers.Tls(new ZooKeeperTlsOptions { TrustedAuthorities = [otherCa], ClientCertificate = zookeeper.Certificates.ClientCertificate });

        await Assert.ThrowsAsync<AuthenticationException>(async () => await dial(Server, CancellationToken.None));
        // The client keeps trying, and never has a session with a server it cannot trust.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConnectWithinAsync(new ZooKeeperTlsOptions { TrustedAuthorities = [otherCa], ClientCertificate = zookeeper.Certificates.ClientCertificate }));
    }

    [Fact]
    public async Task A_server_certificate_for_another_name_is_refused()
    {
        var dial = ZooKeeperDialers.Tls(new ZooKeeperTlsOptions
        {
            TrustedAuthorities = zookeeper.Certificates.Authorities,
            ClientCertificate = zookeeper.Certificates.ClientCertificate,
            ServerName = "zookeeper.example.com",
        });

        await Assert.ThrowsAsync<AuthenticationException>(async () => await dial(Server, CancellationToken.None));
        // The server's certificate names 127.0.0.1 and localhost: either, given as the name, is accepted.
        await using var byName = await ZooKeeperDialers.Tls(new ZooKeeperTlsOptions
        {
            TrustedAuthorities = zookeeper.Certificates.Authorities,
            ClientCertificate = zookeeper.Certificates.ClientCertificate,
            ServerName = "localhost",
        })(Server, CancellationToken.None);
    }

    [Fact]
    public async Task Without_a_client_certificate_a_server_that_needs_one_gives_no_session()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConnectWithinAsync(zookeeper.Certificates.ClientOptions(presentCertificate: false)));

        await using var zk = await ConnectWithinAsync(zookeeper.Certificates.ClientOptions(presentCertificate: true));
        Assert.Equal(ConnectionState.Connected, zk.State);
    }

    [Fact]
    public async Task A_handshake_the_server_never_answers_costs_one_connect_attempt_not_the_session()
    {
        // A listener that accepts and then says nothing: the TLS dial must end with the attempt's deadline.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var dial = ZooKeeperDialers.Tls(zookeeper.Certificates.ClientOptions());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await dial(new DnsEndPoint("127.0.0.1", port), deadline.Token));
    }

    private ZooKeeperClientOptions Options(ZooKeeperTlsOptions tls) => new()
    {
        ConnectString = zookeeper.ConnectString,
        SessionTimeout = TimeSpan.FromSeconds(10),
        Dialer = ZooKeeperDialers.Tls(tls),
    };

    private async Task<ZooKeeperClient> ConnectWithinAsync(ZooKeeperTlsOptions tls)
    {
        using var within = new CancellationTokenSource(Refusal);
        return await ZooKeeperClient.ConnectAsync(Options(tls), cancellationToken: within.Token);
    }

    private static X509Certificate2 SelfSignedAuthority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
