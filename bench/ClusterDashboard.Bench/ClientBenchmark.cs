using System.Globalization;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Bench;

/// <summary>Issue 3's figure: our client against the official Java client, same server, same closed-loop workloads,
/// run alternately so both see the same machine.</summary>
internal static class ClientBenchmark
{
    /// <param name="tls">Both clients over TLS to the server's secureClientPort with client certificates (ours through
    /// <see cref="ZooKeeperDialers.Tls"/>, Java's through its Netty socket and the zookeeper.ssl properties).</param>
    public static async Task RunAsync(string connectString, TimeSpan warmup, TimeSpan measure, TestCertificates? tls = null)
    {
        using var java = await JavaDriver.CompileAsync("ClientBench.java");
        var dialer = tls is null ? null : ZooKeeperDialers.Tls(tls.ClientOptions());
        string[] properties = tls is null ? [] :
        [
            "-Dzookeeper.client.secure=true",
            "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
            $"-Dzookeeper.ssl.keyStore.location={tls.ClientKeyStore}",
            $"-Dzookeeper.ssl.keyStore.password={TestCertificates.Password}",
            "-Dzookeeper.ssl.keyStore.type=PKCS12",
            $"-Dzookeeper.ssl.trustStore.location={tls.TrustStore}",
            $"-Dzookeeper.ssl.trustStore.password={TestCertificates.Password}",
            "-Dzookeeper.ssl.trustStore.type=PKCS12",
        ];
        Console.WriteLine($"client benchmark{(tls is null ? string.Empty : " over TLS (secureClientPort only, client certificates)")}: warm-up {warmup.TotalSeconds:F0} s, measured {measure.TotalSeconds:F0} s per row, one standalone server on loopback");
        Console.WriteLine($"{"workload",-14} {"in flight",9} | {"ours ops/s",11} {"java ops/s",11} {"ratio",6} | {"ours p50 us",11} {"java p50 us",11} | {"ours p99 us",11} {"java p99 us",11} {"ratio",6}");
        foreach (var workload in new[] { "getdata", "createdelete" })
        {
            foreach (var inflight in new[] { 1, 16, 256 })
            {
                var ours = await OurClientWorkload.RunAsync(connectString, workload, inflight, warmup, measure, dialer);
                var theirs = await java.RunWithPropertiesAsync<Measurement>(properties, "ClientBench", connectString, workload, inflight.ToString(CultureInfo.InvariantCulture),
                    ((long)warmup.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), ((long)measure.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
                Console.WriteLine(
                    $"{workload,-14} {inflight,9} | {ours.OpsPerSecond,11:F0} {theirs.OpsPerSecond,11:F0} {ours.OpsPerSecond / theirs.OpsPerSecond,6:F2} | " +
                    $"{ours.P50Us,11:F0} {theirs.P50Us,11:F0} | {ours.P99Us,11:F0} {theirs.P99Us,11:F0} {ours.P99Us / theirs.P99Us,6:F2}");
                if (ours.Errors + theirs.Errors > 0)
                {
                    Console.WriteLine($"  errors: ours {ours.Errors}, java {theirs.Errors}");
                }
            }
        }

        Console.WriteLine("ratio = ours / java: throughput above 1.0 is faster, p99 below 1.0 is faster; single-request latency is the 'in flight 1' rows");
    }
}
