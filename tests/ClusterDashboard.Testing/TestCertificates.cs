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

    /// <summary>A client's key and certificate signed by an intermediate CA that the CA signed, with the chain: the
    /// servers trust only the root, so the intermediate must travel with the certificate.</summary>
    public string IntermediateClientKeyStore => Path.Combine(Directory, "client-via-intermediate.p12");

    /// <summary>The client certificate an intermediate signed, and the intermediate.</summary>
    public (X509Certificate2 Certificate, X509Certificate2Collection Chain) IntermediateClient()
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(IntermediateClientKeyStore, Password);
        var certificate = all.First(c => c.HasPrivateKey);
        var chain = new X509Certificate2Collection();
        chain.AddRange(all.Where(c => c.Thumbprint != certificate.Thumbprint && c.Subject != c.Issuer).DistinctBy(c => c.Thumbprint).ToArray());
        return (certificate, chain);
    }

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
        string[] Key(string alias, string name, string store) => ["-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", name, "-validity", "3", .. Pass(store)];
        string[] Request(string alias, string store) => ["-certreq", "-alias", alias, "-file", Store(alias + ".csr"), .. Pass(store)];
        string[] Import(string alias, string file, string store) => ["-importcert", "-noprompt", "-alias", alias, "-file", Store(file), .. Pass(store)];
        await Keytool(cancellationToken, [.. Key("ca", "CN=ClusterDashboard test CA", "ca.p12"), "-ext", "bc:c"]);
        await Task.WhenAll(
            Keytool(cancellationToken, ["-exportcert", "-rfc", "-alias", "ca", "-file", Store("ca.pem"), .. Pass("ca.p12")]),
            Keytool(cancellationToken, Key("server", "CN=localhost", "server.p12")),
            Keytool(cancellationToken, Key("client", "CN=clusterdashboard-node", "client.p12")),
            Keytool(cancellationToken, Key("intermediate", "CN=ClusterDashboard test intermediate CA", "intermediate.p12")),
            Keytool(cancellationToken, Key("client2", "CN=clusterdashboard-node-via-intermediate", "client-via-intermediate.p12")));
        await Task.WhenAll(
            Keytool(cancellationToken, Request("server", "server.p12")),
            Keytool(cancellationToken, Request("client", "client.p12")),
            Keytool(cancellationToken, Request("intermediate", "intermediate.p12")),
            Keytool(cancellationToken, Request("client2", "client-via-intermediate.p12")),
            Keytool(cancellationToken, Import("ca", "ca.pem", "trust.p12")));
        await Task.WhenAll(
            Keytool(cancellationToken, ["-gencert", "-rfc", "-alias", "ca", "-infile", Store("server.csr"), "-outfile", Store("server.pem"), "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "3", .. Pass("ca.p12")]),
            Keytool(cancellationToken, ["-gencert", "-rfc", "-alias", "ca", "-infile", Store("client.csr"), "-outfile", Store("client.pem"), "-validity", "3", .. Pass("ca.p12")]),
            Keytool(cancellationToken, ["-gencert", "-rfc", "-alias", "ca", "-infile", Store("intermediate.csr"), "-outfile", Store("intermediate.pem"), "-ext", "bc:c", "-validity", "3", .. Pass("ca.p12")]));
        // A signed certificate goes in after the CA that signed it, so keytool can build the chain.
        await Task.WhenAll(
            Keytool(cancellationToken, Import("ca", "ca.pem", "server.p12")),
            Keytool(cancellationToken, Import("ca", "ca.pem", "client.p12")),
            Keytool(cancellationToken, Import("ca", "ca.pem", "intermediate.p12")),
            Keytool(cancellationToken, Import("ca", "ca.pem", "client-via-intermediate.p12")));
        await Task.WhenAll(
            Keytool(cancellationToken, Import("server", "server.pem", "server.p12")),
            Keytool(cancellationToken, Import("client", "client.pem", "client.p12")),
            Keytool(cancellationToken, Import("intermediate", "intermediate.pem", "intermediate.p12")),
            Keytool(cancellationToken, Import("intermediate", "intermediate.pem", "client-via-intermediate.p12")));
        await Keytool(cancellationToken, ["-gencert", "-rfc", "-alias", "intermediate", "-infile", Store("client2.csr"), "-outfile", Store("client2.pem"), "-validity", "3", .. Pass("intermediate.p12")]);
        await Keytool(cancellationToken, Import("client2", "client2.pem", "client-via-intermediate.p12"));
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
