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

    [Theory]
    [InlineData("CaFile=/nonexistent/ca.pem", "ZooKeeper:Tls:CaFile is set but ZooKeeper:Tls:Enabled is not true")]
    [InlineData("ServerName=zk.example.com;ClientCertificatePassword=wrong-horse-battery", "ZooKeeper:Tls:ClientCertificatePassword, ZooKeeper:Tls:ServerName are set but ZooKeeper:Tls:Enabled is not true")]
    [InlineData("Enabled=true;ClientCertificatePassword=wrong-horse-battery", "ZooKeeper:Tls:ClientCertificatePassword is set without ZooKeeper:Tls:ClientCertificateFile")]
    [InlineData("Enabled=true;CaPassword=wrong-horse-battery", "ZooKeeper:Tls:CaPassword is set without ZooKeeper:Tls:CaFile")]
    [InlineData("Enabled=true;CaFile={certificate-only.pem};CaPassword=wrong-horse-battery", "ZooKeeper:Tls:CaPassword is set but ZooKeeper:Tls:CaFile ({certificate-only.pem}) is PEM")]
    [InlineData("Enabled=true;CaFile={client.p12};CaPassword=wrong-horse-battery", "ZooKeeper:Tls:CaFile ({client.p12}) is neither PEM certificates nor a PKCS12 file ZooKeeper:Tls:CaPassword opens")]
    [InlineData("Enabled=true;ClientCertificateFile={client.p12};ClientCertificatePassword=right-horse-battery;ClientKeyFile={certificate-only.pem}", "ZooKeeper:Tls:ClientKeyFile is set but ZooKeeper:Tls:ClientCertificateFile ({client.p12}) is PKCS12")]
    [InlineData("Enabled=true;CaFile=/nonexistent/ca.pem", "ZooKeeper:Tls:CaFile (/nonexistent/ca.pem) cannot be read")]
    [InlineData("Enabled=true;CaFile={junk}", "is neither PEM certificates nor a PKCS12 file ZooKeeper:Tls:CaPassword opens")]
    [InlineData("Enabled=true;ClientCertificateFile={certificate-only.pem}", "ZooKeeper:Tls:ClientCertificateFile ({certificate-only.pem}) could not be read with its key")]
    [InlineData("Enabled=true;ClientCertificateFile={client.p12};ClientCertificatePassword=wrong-horse-battery", "ZooKeeper:Tls:ClientCertificateFile ({client.p12}) could not be read")]
    public async Task A_bad_TLS_setting_stops_start_up_naming_it_and_never_a_password(string settings, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("tls-settings-").FullName;
        try
        {
            var files = MakeFiles(directory);
            string Fill(string text) => files.Aggregate(text, (t, f) => t.Replace("{" + f.Key + "}", f.Value, StringComparison.Ordinal));
            var values = new Dictionary<string, string?>
            {
                ["ZooKeeper:ConnectString"] = "127.0.0.1:2181",
                ["Cluster:NodeId"] = "node-1",
                ["Cluster:AdvertisedUrl"] = "http://127.0.0.1:5001",
            };
            foreach (var pair in Fill(settings).Split(';'))
            {
                values["ZooKeeper:Tls:" + pair.Split('=')[0]] = pair.Split('=', 2)[1];
            }

            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.AddInMemoryCollection(values);
            builder.AddClusterNode();
            await using var app = builder.Build();

            var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

            Assert.Contains(Fill(expected), error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-horse-battery", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("right-horse-battery", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_settings_as_text_name_the_files_but_hold_no_password()
    {
        var options = new Configuration.ZooKeeperOptions
        {
            ConnectString = "zk:2281",
            Auth = "digest:cluster:auth-secret",
            Tls = new Configuration.ZooKeeperTlsSettings { Enabled = true, CaFile = "/etc/zk/ca.pem", CaPassword = "ca-secret", ClientCertificateFile = "/etc/zk/node.p12", ClientCertificatePassword = "key-secret" },
        };

        var text = options.ToString();

        Assert.Contains("/etc/zk/node.p12", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    // A PKCS12 whose password is "right-horse-battery", its certificate alone as PEM, and a file that is neither.
    private static Dictionary<string, string> MakeFiles(string directory)
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=node", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var files = new Dictionary<string, string>
        {
            ["client.p12"] = Path.Combine(directory, "client.p12"),
            ["certificate-only.pem"] = Path.Combine(directory, "certificate-only.pem"),
            ["junk"] = Path.Combine(directory, "junk.bin"),
        };
        File.WriteAllBytes(files["client.p12"], certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "right-horse-battery"));
        File.WriteAllText(files["certificate-only.pem"], certificate.ExportCertificatePem());
        File.WriteAllBytes(files["junk"], [1, 2, 3, 4, 5, 6, 7, 8]);
        return files;
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
