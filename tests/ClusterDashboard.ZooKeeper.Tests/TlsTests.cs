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
    // A dial that should succeed or fail must do so well within this; a hang fails the test instead of stalling it.
    private static readonly TimeSpan DialBound = TimeSpan.FromSeconds(15);

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

        await Assert.ThrowsAsync<AuthenticationException>(() => DialAsync(dial, Server));
        // The client keeps trying, and never has a session with a server it cannot trust.
        await RefusedAsync(new ZooKeeperTlsOptions { TrustedAuthorities = [otherCa], ClientCertificate = zookeeper.Certificates.ClientCertificate });
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

        await Assert.ThrowsAsync<AuthenticationException>(() => DialAsync(dial, Server));
        // The server's certificate names 127.0.0.1 and localhost: either, given as the name, is accepted.
        await using var byName = await DialAsync(
            ZooKeeperDialers.Tls(new ZooKeeperTlsOptions
            {
                TrustedAuthorities = zookeeper.Certificates.Authorities,
                ClientCertificate = zookeeper.Certificates.ClientCertificate,
                ServerName = "localhost",
            }),
            Server);
    }

    [Fact]
    public async Task Without_a_name_given_the_certificate_must_name_the_host_of_the_connect_string()
    {
        // The connect string says zookeeper.example.com, whose bytes go to the real server on 127.0.0.1: the name the
        // certificate is checked against must be the one the client was told to reach, not where the bytes went.
        var port = Server.Port;
        ZooKeeperDialer toLoopback = (_, ct) => ZooKeeperDialers.Tcp(new DnsEndPoint("127.0.0.1", port), ct);
        var dial = ZooKeeperDialers.Tls(zookeeper.Certificates.ClientOptions(), toLoopback);

        await Assert.ThrowsAsync<AuthenticationException>(() => DialAsync(dial, new DnsEndPoint("zookeeper.example.com", port)));
        await using var named = await DialAsync(dial, new DnsEndPoint("localhost", port));
    }

    [Fact]
    public async Task Without_authorities_given_only_the_system_store_is_trusted_and_it_does_not_know_a_private_CA()
    {
        var dial = ZooKeeperDialers.Tls(new ZooKeeperTlsOptions { ClientCertificate = zookeeper.Certificates.ClientCertificate });

        await Assert.ThrowsAsync<AuthenticationException>(() => DialAsync(dial, Server));
    }

    [Fact]
    public async Task Without_a_client_certificate_a_server_that_needs_one_gives_no_session()
    {
        var logged = await RefusedAsync(zookeeper.Certificates.ClientOptions(presentCertificate: false));

        // The log says why, down to the handshake's own reason (.NET's outer message is "see inner exception").
        Assert.Contains(logged, l => l.Contains("failed", StringComparison.Ordinal) && l.Contains(" → ", StringComparison.Ordinal));

        await using var zk = await ConnectWithinAsync(zookeeper.Certificates.ClientOptions(presentCertificate: true));
        Assert.Equal(ConnectionState.Connected, zk.State);
        Assert.NotNull(await zk.ExistsAsync("/"));
    }

    [Fact]
    public async Task A_client_certificate_an_intermediate_CA_signed_is_sent_with_its_chain()
    {
        // The server trusts the root only: without the intermediate beside it, the certificate cannot be verified.
        var (certificate, chain) = zookeeper.Certificates.IntermediateClient();
        Assert.Single(chain);

        await using var zk = await ConnectWithinAsync(
            new ZooKeeperTlsOptions { TrustedAuthorities = zookeeper.Certificates.Authorities, ClientCertificate = certificate, ClientCertificateChain = chain });
        Assert.Equal(ConnectionState.Connected, zk.State);
        Assert.NotNull(await zk.ExistsAsync("/"));
        await RefusedAsync(new ZooKeeperTlsOptions { TrustedAuthorities = zookeeper.Certificates.Authorities, ClientCertificate = certificate });
    }

    [Fact]
    public async Task A_handshake_the_server_never_answers_ends_with_the_dial_and_the_client_moves_to_the_next_server()
    {
        // A listener that accepts and then says nothing, first in the connect string: the TLS dial must end with the
        // attempt's deadline, and the client go on to the real server within its session timeout.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var dial = ZooKeeperDialers.Tls(zookeeper.Certificates.ClientOptions());
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await dial(new DnsEndPoint("127.0.0.1", port), deadline.Token).AsTask().WaitAsync(DialBound));
        }

        var options = new ZooKeeperClientOptions
        {
            ConnectString = $"127.0.0.1:{port},{zookeeper.ConnectString}",
            ShuffleServers = false,
            SessionTimeout = TimeSpan.FromSeconds(6),
            Dialer = dial,
        };
        await using var zk = await ZooKeeperClient.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(zookeeper.ConnectString, zk.ConnectedServer);
    }

    private ZooKeeperClientOptions Options(ZooKeeperTlsOptions tls) => new()
    {
        ConnectString = zookeeper.ConnectString,
        SessionTimeout = TimeSpan.FromSeconds(10),
        Dialer = ZooKeeperDialers.Tls(tls),
    };

    /// <summary>Starts a client that must get no session, waits until it has reported two failed connection
    /// attempts (it kept trying and was refused each time), then stops it: it must not have connected meanwhile.
    /// Returns what it logged.</summary>
    private async Task<IReadOnlyList<string>> RefusedAsync(ZooKeeperTlsOptions tls)
    {
        using var logs = new CapturedLogs(Microsoft.Extensions.Logging.LogLevel.Information);
        using var stop = new CancellationTokenSource();
        var connecting = ZooKeeperClient.ConnectAsync(Options(tls), logs.Factory(), cancellationToken: stop.Token);
        await Eventually.UntilAsync(
            _ => Task.FromResult(connecting.IsCompleted || logs.Lines.Count(l => l.Contains("connection to", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal)) >= 2),
            DialBound,
            "the client reports two refused attempts");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting);
        return logs.Lines;
    }

    private async Task<ZooKeeperClient> ConnectWithinAsync(ZooKeeperTlsOptions tls)
    {
        using var deadline = new CancellationTokenSource(DialBound);
        return await ZooKeeperClient.ConnectAsync(Options(tls), cancellationToken: deadline.Token);
    }

    private static async Task<Stream> DialAsync(ZooKeeperDialer dial, DnsEndPoint server)
    {
        using var deadline = new CancellationTokenSource(DialBound);
        return await dial(server, deadline.Token);
    }

    private static X509Certificate2 SelfSignedAuthority(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
