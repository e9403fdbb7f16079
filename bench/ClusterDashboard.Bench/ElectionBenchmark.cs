using System.Globalization;

namespace ClusterDashboard.Bench;

/// <summary>Issue 4's figures: our election against Apache Curator's LeaderLatch, same server, same workloads.</summary>
internal static class ElectionBenchmark
{
    private static readonly string[] CuratorJars = ["curator-framework.jar", "curator-client.jar", "curator-recipes.jar", "guava.jar", "failureaccess.jar"];

    public static async Task<int> RunAsync(string connectString, double scale)
    {
        var missing = CuratorJars.Where(j => j != "failureaccess.jar" && !File.Exists(Path.Combine("/usr/share/java", j))).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"Curator is missing ({string.Join(", ", missing)}): apt-get install libcurator-recipes-java");
            return 2;
        }

        var java = await JavaDriver.CompileAsync("ElectionBench.java", CuratorJars.Where(j => File.Exists(Path.Combine("/usr/share/java", j))).ToArray());
        var timeout = TimeSpan.FromSeconds(2);
        int Rounds(int n) => Math.Max(3, (int)(n * scale));
        Console.WriteLine("election benchmark: ours vs Curator LeaderLatch 5.4, one standalone server on loopback; ratio = ours / Curator");
        Console.WriteLine($"{"workload",-30} | {"ours p50 ms",11} {"cur p50 ms",11} | {"ours p99 ms",11} {"cur p99 ms",11} {"ratio",6}");
        foreach (var n in new[] { 3, 10 })
        {
            var rounds = Rounds(50);
            var ours = await OurElectionWorkload.RunAsync(connectString, "graceful", n, rounds, timeout);
            var theirs = await RunCuratorAsync(java, connectString, "graceful", n, rounds, timeout);
            Row($"graceful, {n} participants ({rounds}x)", ours.P50Us, theirs.P50Us, ours.P99Us, theirs.P99Us);
        }

        {
            var rounds = Rounds(20);
            var ours = await OurElectionWorkload.RunAsync(connectString, "crash", 3, rounds, timeout);
            var theirs = await RunCuratorAsync(java, connectString, "crash", 3, rounds, timeout);
            Row($"crash: beyond 2 s timeout ({rounds}x)", ours.P50Us - 2e6, theirs.P50Us - 2e6, ours.P99Us - 2e6, theirs.P99Us - 2e6);
            Row("crash: deletion to callback", ours.FromDeletionP50Us, theirs.FromDeletionP50Us, ours.FromDeletionP99Us, theirs.FromDeletionP99Us);
        }

        Console.WriteLine($"{"notifications per failover",-30} | {"ours",11} {"Curator",11}   (server's mntr watch-trigger counters)");
        foreach (var n in new[] { 200, 1000 })
        {
            var ours = await OurElectionWorkload.RunAsync(connectString, "herd", n, 1, timeout);
            var theirs = await RunCuratorAsync(java, connectString, "herd", n, 1, timeout);
            Console.WriteLine($"{$"  {n} candidates",-30} | {ours.NotificationsPerFailover,11:F1} {theirs.NotificationsPerFailover,11:F1}");
        }

        return 0;
    }

    private static void Row(string name, double oursP50, double theirsP50, double oursP99, double theirsP99) =>
        Console.WriteLine($"{name,-30} | {oursP50 / 1000,11:F2} {theirsP50 / 1000,11:F2} | {oursP99 / 1000,11:F2} {theirsP99 / 1000,11:F2} {oursP99 / theirsP99,6:F2}");

    private static async Task<ElectionMeasurement> RunCuratorAsync(JavaDriver java, string connectString, string mode, int n, int rounds, TimeSpan timeout) =>
        await java.RunAsync<ElectionMeasurement>("ElectionBench", connectString, mode, n.ToString(CultureInfo.InvariantCulture), rounds.ToString(CultureInfo.InvariantCulture), ((int)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
}
