using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper.Admin;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Bench;

/// <summary>
/// `soak [minutes]` (60 by default): an hour of churn. Three node processes of the published app on a 3-server
/// ensemble, the dashboard page open on node-1 in headless Chromium and 100 hub clients spread over the nodes; the
/// leader is made to resign every second and a fault (pause, partition, crash, leave, latency, one-way partition in
/// turn, 3 s each, on a node picked in turn) is ordered every 10 s. Every minute it samples each node's resident set,
/// GC heap, threads and open file descriptors, and each server's client connections and watches (cons, wchs, mntr),
/// and at the end prints each series' slope over the second half of the run and a verdict: whether anything grows
/// without bound, and whether sessions or watches are left behind.
/// </summary>
internal static class SoakBenchmark
{
    private const int HubClients = 100;
    // Each with what its kind needs; the orders carry exactly the API's fields.
    private static readonly object[] FaultCycle =
    [
        new { kind = "pause", durationSeconds = 3 },
        new { kind = "partition", durationSeconds = 3 },
        new { kind = "crash", durationSeconds = 3 },
        new { kind = "leave", durationSeconds = 3 },
        new { kind = "latency", latencyMs = 200, jitterMs = 50, durationSeconds = 3 },
        new { kind = "partition-oneway", direction = "upstream", durationSeconds = 3 },
    ];

    public static async Task<int> RunAsync(int minutes)
    {
        var app = Path.Combine(ViewsBenchmark.RepoRoot(), "src", "ClusterDashboard", "bin", "Release", "net10.0", "ClusterDashboard.dll");
        if (!File.Exists(app) || !File.Exists(BrowserPage.Browser))
        {
            Console.Error.WriteLine($"soak: needs {app} (build the solution in Release) and {BrowserPage.Browser}");
            return 2;
        }

        await using var zookeeper = await ZooKeeperCluster.StartAsync(3, new ZooKeeperClusterOptions { ForceSync = false });
        var connect = zookeeper.ConnectString + "/soak-" + Guid.NewGuid().ToString("N")[..8];
        var nodes = Enumerable.Range(1, 3).Select(i => NodeProcess.Start(app, $"node-{i}", connect)).ToList();
        var hubs = new List<HubConnection>();
        BrowserPage? page = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var stop = new CancellationTokenSource();
        var counts = new ChurnCounts();
        try
        {
            await ViewsBenchmark.AgreedAsync(http, nodes, TimeSpan.FromSeconds(60));
            page = await BrowserPage.OpenAsync(http, nodes[0].Url);
            hubs = await BrowserPage.HubClientsAsync([.. nodes.Select(n => n.Url)], HubClients, () => Interlocked.Increment(ref counts.HubMessages));
            Console.WriteLine($"soak: {minutes} min, 3 nodes, 3 servers, page on node-1, {HubClients} hub clients; a resign every 1 s, a fault every 10 s");
            var churn = ChurnAsync(http, nodes, counts, stop.Token);
            var samples = new List<Sample>();
            var began = Stopwatch.GetTimestamp();
            for (var minute = 0; minute <= minutes; minute++)
            {
                if (minute > 0)
                {
                    // On the minute from the start, however long the last sample took.
                    var due = TimeSpan.FromMinutes(minute) - Stopwatch.GetElapsedTime(began);
                    await Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero);
                }

                if (page.HasExited)
                {
                    throw new InvalidOperationException("the browser exited: the page is no longer open");
                }

                if (churn.IsCompleted)
                {
                    // Churn ends only when told to: ended early, it failed, and the rest would be an idle cluster.
                    await churn;
                    throw new InvalidOperationException("the churn stopped before the soak did");
                }

                var sample = await SampleAsync(http, nodes, zookeeper, minute);
                samples.Add(sample);
                Print(sample, counts, minute == 0);
            }

            await stop.CancelAsync();
            await churn;
            return Verdict(samples, counts) ? 0 : 1;
        }
        finally
        {
            await stop.CancelAsync();
            await MemoryBenchmark.CloseAsync(hubs, page, nodes);
        }
    }

    private sealed class ChurnCounts
    {
        public long Ticks;
        public long Resigns;
        public long Faults;

        /// <summary>Orders the cluster could not take then: no leader between terms, a target still faulted (409,
        /// 503), or no answer from a node being faulted.</summary>
        public long Refused;

        /// <summary>Orders the API rejected as malformed (400, 422): the soak's own mistake, which fails the run.</summary>
        public long Rejected;

        public long HubMessages;
    }

    // A resign of whoever leads every second, and every tenth second a fault. Kinds and targets turn independently
    // (six kinds against three nodes, the target moving on once per round of kinds), so every node meets every kind.
    // An order the cluster cannot take right now is counted, not retried.
    private static async Task ChurnAsync(HttpClient http, List<NodeProcess> nodes, ChurnCounts counts, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var tick = 0;
        while (await WaitAsync(timer, cancellationToken))
        {
            tick++;
            Interlocked.Increment(ref counts.Ticks);
            var via = nodes[tick % nodes.Count];
            try
            {
                if (tick % 10 == 0)
                {
                    var round = tick / 10;
                    var target = nodes[(round + (round / FaultCycle.Length)) % nodes.Count];
                    using var fault = await http.PostAsJsonAsync(new Uri(via.Url, $"/nodes/{target.Id}/faults"), FaultCycle[round % FaultCycle.Length], cancellationToken);
                    Count(fault, ref counts.Faults, counts);
                    continue;
                }

                using var leaderAnswer = await http.GetAsync(new Uri(via.Url, "/leader"), cancellationToken);
                if (!leaderAnswer.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref counts.Refused);
                    continue;
                }

                var leader = (await leaderAnswer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("nodeId").GetString();
                using var resign = await http.PostAsJsonAsync(new Uri(via.Url, $"/nodes/{leader}/faults"), new { kind = "resign" }, cancellationToken);
                Count(resign, ref counts.Resigns, counts);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A node under a fault may not answer in time; the next tick asks another.
                Interlocked.Increment(ref counts.Refused);
            }
        }
    }

    private static void Count(HttpResponseMessage answer, ref long done, ChurnCounts counts)
    {
        if (answer.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref done);
        }
        else if (answer.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.UnprocessableEntity)
        {
            Interlocked.Increment(ref counts.Rejected);
            Console.Error.WriteLine($"soak: an order was rejected as malformed: {(int)answer.StatusCode}");
        }
        else
        {
            Interlocked.Increment(ref counts.Refused);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed record Sample(int Minute, IReadOnlyDictionary<string, double> Values);

    private static async Task<Sample> SampleAsync(HttpClient http, List<NodeProcess> nodes, ZooKeeperCluster zookeeper, int minute)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            values[$"{node.Id} rss MB"] = (node.ResidentBytes() ?? double.NaN) / 1048576.0;
            values[$"{node.Id} gc heap MB"] = await GcHeapAsync(http, node) / 1048576.0;
            values[$"{node.Id} threads"] = Directory.GetDirectories($"/proc/{node.ProcessId}/task").Length;
            values[$"{node.Id} fds"] = Directory.GetFiles($"/proc/{node.ProcessId}/fd").Length;
        }

        var connections = 0.0;
        var watches = 0.0;
        var ephemerals = 0.0;
        var znodes = 0.0;
        foreach (var server in zookeeper.Servers)
        {
            connections += (await FourLetterWords.ConsAsync(server.Address, TimeSpan.FromSeconds(5))).Count;
            var wchs = await FourLetterWords.SendAsync(server.Address, "wchs", TimeSpan.FromSeconds(5));
            watches += double.Parse(wchs.Split('\n').First(l => l.StartsWith("Total watches:", StringComparison.Ordinal))["Total watches:".Length..], CultureInfo.InvariantCulture);
            var mntr = await FourLetterWords.MntrAsync(server.Address, TimeSpan.FromSeconds(5));
            // Every server keeps the whole tree, so one server's count is the ensemble's (the largest: one may lag).
            ephemerals = Math.Max(ephemerals, Number(mntr, "zk_ephemerals_count"));
            znodes = Math.Max(znodes, Number(mntr, "zk_znode_count"));
        }

        try
        {
            values["node-1 pages"] = await BrowserPage.ConnectedAsync(http, nodes[0].Url);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            values["node-1 pages"] = double.NaN;
        }

        values["servers: connections"] = connections;
        values["servers: watches"] = watches;
        values["servers: ephemerals"] = ephemerals;
        values["servers: znodes"] = znodes;
        return new Sample(minute, values);
    }

    private static double Number(IReadOnlyDictionary<string, string> mntr, string key) =>
        mntr.TryGetValue(key, out var text) && double.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static async Task<double> GcHeapAsync(HttpClient http, NodeProcess node)
    {
        try
        {
            return (await NodeMetrics.ReadAsync(http, node.Url)).Sum("dotnet_gc_last_collection_heap_size_bytes{");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return double.NaN;
        }
    }

    // One line a minute: per node "rss MB / GC heap MB / threads / fds", then the servers' totals.
    private static void Print(Sample sample, ChurnCounts counts, bool header)
    {
        var nodes = sample.Values.Keys.Where(k => k.EndsWith(" rss MB", StringComparison.Ordinal)).Select(k => k[..^" rss MB".Length]).ToList();
        if (header)
        {
            Console.WriteLine($"{"min",4} | {string.Join(" | ", nodes.Select(n => $"{n + " rss/heap/thr/fd",-26}"))} | pages | conns watches znodes ephem | resigns faults refused");
        }

        string Node(string n) => $"{sample.Values[n + " rss MB"],6:F1} {sample.Values[n + " gc heap MB"],6:F1} {sample.Values[n + " threads"],4:F0} {sample.Values[n + " fds"],5:F0}   ";
        Console.WriteLine(
            $"{sample.Minute,4} | {string.Join(" | ", nodes.Select(Node))} | {sample.Values["node-1 pages"],5:F0} | {sample.Values["servers: connections"],5:F0} {sample.Values["servers: watches"],7:F0} {sample.Values["servers: znodes"],6:F0} {sample.Values["servers: ephemerals"],5:F0} | {counts.Resigns,7} {counts.Faults,6} {counts.Refused,7}");
    }

    // A series "grows" when its slope over the second half of the run (the first half holds the warm-up: JIT, caches,
    // pools filling) would add more than its allowance in an hour: a twentieth of its level, and at least a floor below
    // which a change is noise (a thread pool thread, a GC's worth of heap). The slope is Theil and Sen's, the median of
    // the slopes between every two samples: a least-squares line through a bounded sawtooth (a history pruned every
    // hundred records) or through jitter (threads coming and going) tilts whenever a sample happens to land high near
    // the end, while the median of all pairs stays level on them and still follows a series that keeps climbing.
    private static bool Verdict(List<Sample> samples, ChurnCounts counts)
    {
        var tail = samples.Skip(samples.Count / 2).ToList();
        Console.WriteLine($"churn: {counts.Resigns} resigns and {counts.Faults} faults in {counts.Ticks} s; {counts.Refused} orders the cluster could not take then (no leader between terms, a target still faulted), {counts.Rejected} rejected as malformed; {counts.HubMessages} hub leader messages");
        var healthy = true;
        // Churn that mostly did not happen proves nothing about churn.
        var ordered = counts.Resigns + counts.Faults;
        if (counts.Rejected > 0 || ordered < counts.Ticks / 2)
        {
            Console.WriteLine($"verdict: the churn did not run as planned ({ordered} of {counts.Ticks} orders carried out, {counts.Rejected} malformed)");
            healthy = false;
        }

        var unseen = samples.Where(s => !(s.Values["node-1 pages"] >= 1)).Select(s => s.Minute).ToList();
        if (unseen.Count > 0)
        {
            Console.WriteLine($"verdict: the page was not connected at minute(s) {string.Join(", ", unseen)}");
            healthy = false;
        }

        if (tail.Count < 3)
        {
            Console.WriteLine("verdict: none; a slope needs three samples in the second half (run 4 minutes or more)");
            return false;
        }

        Console.WriteLine($"{"series",-24} {"first",9} {"last",9} {"slope/h",9}  verdict (Theil-Sen slope over minutes {tail[0].Minute}..{tail[^1].Minute})");
        foreach (var key in samples[0].Values.Keys)
        {
            var series = samples.Select(s => s.Values[key]).ToList();
            if (series.Any(double.IsNaN))
            {
                // A sample that could not be taken (a node not answering its metrics) leaves the series unjudged.
                Console.WriteLine($"{key,-24} {"",9} {"",9} {"",9}  MISSING samples");
                healthy = false;
                continue;
            }

            var slope = TheilSenSlope(tail.Select(s => (double)s.Minute).ToList(), tail.Select(s => s.Values[key]).ToList()) * 60;
            var level = tail.Average(s => s.Values[key]);
            var floor = key.EndsWith("MB", StringComparison.Ordinal) ? 5 : key.EndsWith("threads", StringComparison.Ordinal) ? 3 : key.Contains("servers", StringComparison.Ordinal) ? 2 : 5;
            var grows = slope > Math.Max(level / 20, floor);
            healthy &= !grows;
            Console.WriteLine($"{key,-24} {series[0],9:F1} {series[^1],9:F1} {slope,9:F2}  {(grows ? "GROWS" : "steady")}");
        }

        Console.WriteLine(healthy ? "verdict: nothing grows without bound; no session or watch is left behind" : "verdict: FAILED (see above)");
        return healthy;
    }

    private static double TheilSenSlope(List<double> x, List<double> y)
    {
        var slopes = new List<double>();
        for (var i = 0; i < x.Count; i++)
        {
            for (var j = i + 1; j < x.Count; j++)
            {
                if (x[j] != x[i])
                {
                    slopes.Add((y[j] - y[i]) / (x[j] - x[i]));
                }
            }
        }

        if (slopes.Count == 0)
        {
            return 0;
        }

        slopes.Sort();
        return slopes.Count % 2 == 1 ? slopes[slopes.Count / 2] : (slopes[(slopes.Count / 2) - 1] + slopes[slopes.Count / 2]) / 2;
    }
}
