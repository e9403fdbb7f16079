using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Testing;

/// <summary>
/// A throwaway certificate authority and the key stores ZooKeeper's TLS needs, made by the JDK's keytool as an
/// operator would: a CA, a server certificate for 127.0.0.1 and localhost signed by it (PKCS12, for every server of a
/// cluster), a trust store holding the CA, and a client certificate signed by it (PKCS12, key included).
/// </summary>
public sealed class TestCertificates
{
    public const string Password = "test-store-secret";

    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>The CA's certificate, PEM.</summary>
    public string CaPem => Path.Combine(Directory, "ca.pem");

    /// <summary>The server's key and certificate chain (ssl.keyStore).</summary>
    public string ServerKeyStore => Path.Combine(Directory, "server.p12");

    /// <summary>The CA as a trusted entry (ssl.trustStore, and the Java client's).</summary>
    public string TrustStore => Path.Combine(Directory, "trust.p12");

    /// <summary>The client's key and certificate, signed by the CA.</summary>
    public string ClientKeyStore => Path.Combine(Directory, "client.p12");

    public X509Certificate2Collection Authorities
    {
        get
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(CaPem);
            return authorities;
        }
    }

    public X509Certificate2 ClientCertificate => X509CertificateLoader.LoadPkcs12FromFile(ClientKeyStore, Password);

    /// <summary>What a client of these servers uses: the CA, and the client certificate unless told not to.</summary>
    public ZooKeeperTlsOptions ClientOptions(bool presentCertificate = true) => new()
    {
        TrustedAuthorities = Authorities,
        ClientCertificate = presentCertificate ? ClientCertificate : null,
    };

    /// <summary>The zoo.cfg lines that turn on TLS for clients with these stores; the server asks every client for
    /// a certificate signed by the CA (ssl.clientAuth=need, the server's default).</summary>
    public IEnumerable<string> ServerConfig(int securePort) =>
    [
        $"secureClientPort={securePort}",
        "secureClientPortAddress=127.0.0.1",
        "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
        $"ssl.keyStore.location={ServerKeyStore}",
        $"ssl.keyStore.password={Password}",
        "ssl.keyStore.type=PKCS12",
        $"ssl.trustStore.location={TrustStore}",
        $"ssl.trustStore.password={Password}",
        "ssl.trustStore.type=PKCS12",
        "ssl.clientAuth=need",
    ];

    public static async Task<TestCertificates> CreateAsync(string directory, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certificates = new TestCertificates(directory);
        string Store(string name) => Path.Combine(directory, name);
        string[] Pass(string store) => ["-keystore", Store(store), "-storetype", "PKCS12", "-storepass", Password];
        Task Keytool(CancellationToken ct, params string[] args) => RunAsync(directory, args, ct);

        // Independent steps run side by side: each keytool is a JVM start.
        await Keytool(cancellationToken, ["-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=ClusterDashboard test CA", "-ext", "bc:c", "-validity", "3", .. Pass("ca.p12")]);
        await Task.WhenAll(
            Keytool(cancellationToken, ["-exportcert", "-rfc", "-alias", "ca", "-file", Store("ca.pem"), .. Pass("ca.p12")]),
            Keytool(cancellationToken, ["-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-validity", "3", .. Pass("server.p12")]),
            Keytool(cancellationToken, ["-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=clusterdashboard-node", "-validity", "3", .. Pass("client.p12")]));
        await Task.WhenAll(
            Keytool(cancellationToken, ["-certreq", "-alias", "server", "-file", Store("server.csr"), .. Pass("server.p12")]),
            Keytool(cancellationToken, ["-certreq", "-alias", "client", "-file", Store("client.csr"), .. Pass("client.p12")]),
            Keytool(cancellationToken, ["-importcert", "-noprompt", "-alias", "ca", "-file", Store("ca.pem"), .. Pass("trust.p12")]));
        await Task.WhenAll(
            Keytool(cancellationToken, ["-gencert", "-rfc", "-alias", "ca", "-infile", Store("server.csr"), "-outfile", Store("server.pem"), "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "3", .. Pass("ca.p12")]),
            Keytool(cancellationToken, ["-gencert", "-rfc", "-alias", "ca", "-infile", Store("client.csr"), "-outfile", Store("client.pem"), "-validity", "3", .. Pass("ca.p12")]));
        // A signed certificate goes in after the CA that signed it, so keytool can build the chain.
        await Task.WhenAll(
            Keytool(cancellationToken, ["-importcert", "-noprompt", "-alias", "ca", "-file", Store("ca.pem"), .. Pass("server.p12")]),
            Keytool(cancellationToken, ["-importcert", "-noprompt", "-alias", "ca", "-file", Store("ca.pem"), .. Pass("client.p12")]));
        await Task.WhenAll(
            Keytool(cancellationToken, ["-importcert", "-noprompt", "-alias", "server", "-file", Store("server.pem"), .. Pass("server.p12")]),
            Keytool(cancellationToken, ["-importcert", "-noprompt", "-alias", "client", "-file", Store("client.pem"), .. Pass("client.p12")]));
        return certificates;
    }

    private static async Task RunAsync(string directory, string[] args, CancellationToken cancellationToken)
    {
        var keytool = Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } home ? Path.Combine(home, "bin", "keytool") : "keytool";
        var start = new ProcessStartInfo(keytool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("keytool did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"keytool {args[0]} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }
}
