using System.Diagnostics;
using System.Globalization;
using ClusterDashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Bench;

/// <summary>
/// `memory [seconds] [name]`: what a node costs in memory at rest. For each GC configuration in turn (or only those whose
/// name contains <c>name</c>, after the baseline), three node processes of
/// the published app on one ZooKeeper server; node-1 has the dashboard page open in a headless Chromium and 100 hub
/// clients (every topic). After a warm-up its resident set is sampled every second for <c>seconds</c> (60 by default)
/// and printed with node-2's (no page, no clients), each beside the same figures under server GC, ASP.NET Core's
/// default and what the app ran before it chose its own, measured in the same run. Each row also says where node-1's
/// resident set lies: anonymous memory (the GC's committed heap among it), mapped files (the assemblies), and shared
/// memory (JIT-compiled code, mapped twice for write-xor-execute).
/// </summary>
internal static class MemoryBenchmark
{
    private const int HubClients = 100;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(20);

    // Each configuration as environment variables over the app's own runtimeconfig. "the app's" is whatever the
    // project file chose (README says which and why); the others are there to show what that choice is worth.
    private static readonly (string Name, Dictionary<string, string> Environment)[] Configurations =
    [
        ("server GC (ASP.NET Core's default GC)", new() { ["DOTNET_gcServer"] = "1", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "0", ["DOTNET_TieredPGO"] = "1" }),
        ("workstation GC, concurrent", new() { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1", ["DOTNET_GCConserveMemory"] = "0", ["DOTNET_TieredPGO"] = "1" }),
        ("the app's own (runtimeconfig)", new()),
        // One knob each over the app's own, neither of which a runtimeconfig can set: a small gen0 budget (the GC sizes
        // it from the CPU's cache, several MB a core), and JIT-compiled code mapped once instead of twice, which drops
        // the write-xor-execute hardening.
        ("+ gen0 budget 4 MB", new() { ["DOTNET_GCgen0size"] = "0x400000" }),
        ("+ write-xor-execute off", new() { ["DOTNET_EnableWriteXorExecute"] = "0" }),
        // Three more a runtimeconfig could set, each over the app's own, to show why the app does not: the GC built with
        // segments instead of regions, no tiered compilation (ReadyToRun code kept, the rest compiled once, optimised),
        // and no quick JIT (methods without precompiled code optimised at once).
        ("+ segments GC (libclrgc.so)", new() { ["DOTNET_GCName"] = "libclrgc.so" }),
        ("+ no tiered compilation", new() { ["DOTNET_TieredCompilation"] = "0" }),
        ("+ no quick JIT", new() { ["DOTNET_TC_QuickJit"] = "0" }),
        // Not the app's: the lowest this run could find. Both environment knobs above and no method ever recompiled at
        // tier 1 (ReadyToRun and tier-0 code only), which costs speed.
        ("lowest: both, no tier 1", new() { ["DOTNET_GCgen0size"] = "0x400000", ["DOTNET_EnableWriteXorExecute"] = "0", ["DOTNET_TC_CallCountThreshold"] = "1000000" }),
    ];

    public static async Task<int> RunAsync(int seconds, string? only)
    {
        var app = Path.Combine(ViewsBenchmark.RepoRoot(), "src", "ClusterDashboard", "bin", "Release", "net10.0", "ClusterDashboard.dll");
        if (!File.Exists(app))
        {
            Console.Error.WriteLine($"memory: {app} is missing; build the solution in Release first");
            return 2;
        }

        if (!File.Exists(BrowserPage.Browser))
        {
            Console.Error.WriteLine($"memory: {BrowserPage.Browser} is missing (apt-get install chromium)");
            return 2;
        }

        Console.WriteLine($"memory benchmark: 3 nodes on one standalone server; node-1 with the page open in headless Chromium and {HubClients} hub clients; RSS sampled every 1 s for {seconds} s after a {Warmup.TotalSeconds:F0} s warm-up");
        Console.WriteLine($"{"configuration",-38} | {"node-1 p50 MB",13} {"max MB",7} {"ratio",6} | {"node-2 p50 MB",13} {"max MB",7} {"ratio",6}");
        await using var zookeeper = await ZooKeeperCluster.StartAsync(1, new ZooKeeperClusterOptions { ForceSync = false });
        (double Busy, double Idle)? baseline = null;
        // The first configuration is every ratio's baseline, so it runs even when only others are asked for by name.
        foreach (var (name, environment) in Configurations.Where((c, i) => i == 0 || only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var (busy, idle, where) = await MeasureAsync(app, zookeeper.ConnectString + "/memory-" + Guid.NewGuid().ToString("N")[..8], environment, seconds);
            baseline ??= (busy.Median, idle.Median);
            Console.WriteLine(
                $"{name,-38} | {busy.Median,13:F1} {busy.Max,7:F1} {busy.Median / baseline.Value.Busy,6:F2} | {idle.Median,13:F1} {idle.Max,7:F1} {idle.Median / baseline.Value.Idle,6:F2}");
            Console.WriteLine(where);
        }

        Console.WriteLine("ratio = this configuration's median RSS / server GC's, same run; target: node-1 under 120 MB");
        return 0;
    }

    private static async Task<((double Median, double Max) Busy, (double Median, double Max) Idle, string Where)> MeasureAsync(
        string app, string connect, Dictionary<string, string> environment, int seconds)
    {
        var nodes = Enumerable.Range(1, 3).Select(i => NodeProcess.Start(app, $"node-{i}", connect, environment)).ToList();
        var hubs = new List<HubConnection>();
        BrowserPage? page = null;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            await ViewsBenchmark.AgreedAsync(http, nodes, TimeSpan.FromSeconds(60));
            page = await BrowserPage.OpenAsync(http, nodes[0].Url);
            hubs = await BrowserPage.HubClientsAsync([nodes[0].Url], HubClients, () => { });
            await Task.Delay(Warmup);
            var busy = new List<double>();
            var idle = new List<double>();
            for (var second = 0; second < seconds; second++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                if (page.HasExited)
                {
                    throw new InvalidOperationException("the browser exited: the page is no longer open");
                }

                busy.Add((nodes[0].ResidentBytes() ?? throw new InvalidOperationException("node-1 exited")) / 1048576.0);
                idle.Add((nodes[1].ResidentBytes() ?? throw new InvalidOperationException("node-2 exited")) / 1048576.0);
            }

            var committed = (await NodeMetrics.ReadAsync(http, nodes[0].Url)).Sum("dotnet_gc_last_collection_memory_committed_size_bytes");
            var where = $"  node-1: anon {nodes[0].Status("RssAnon") / 1048576.0:F1} MB, file {nodes[0].Status("RssFile") / 1048576.0:F1} MB, shmem {nodes[0].Status("RssShmem") / 1048576.0:F1} MB, GC committed {committed / 1048576.0:F1} MB, threads {Directory.GetDirectories($"/proc/{nodes[0].ProcessId}/task").Length}";
            return ((Percentiles.Of(busy, 0.5), busy.Max()), (Percentiles.Of(idle, 0.5), idle.Max()), where);
        }
        finally
        {
            await CloseAsync(hubs, page, nodes);
        }
    }

    /// <summary>Closes what a run opened: the hub clients, the page, the nodes.</summary>
    internal static async Task CloseAsync(List<HubConnection> hubs, BrowserPage? page, List<NodeProcess> nodes)
    {
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }

        if (page is not null)
        {
            await page.DisposeAsync();
        }

        foreach (var node in nodes)
        {
            node.Dispose();
        }
    }
}
