using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Bench;

/// <summary>
/// `views [rounds]`: three real nodes (the published app, as processes) on a 3-server ensemble. Each round resigns the
/// leader through the API and times, from the old leader's node reporting over its hub that it stepped down (the
/// resign took effect), until every node's long-poll returns, every node's stream and every node's hub names the new
/// leader; beside it, in the same round, the election's own time: until the successor's node reports over its hub that
/// it leads. Both go through a hub message, so its cost is on both sides. `views [rounds] gc` also reads each node's
/// collection counts after every round (at the start of its pause, off the failover), to tell the rounds in which a node
/// collected from the others; the reads cost the nodes CPU, so the plain run leaves them out.
/// </summary>
internal static class ViewsBenchmark
{
    private static readonly string[] Views = ["long-poll", "sse", "hub"];
    private const int WarmupRounds = 40; // the app runs without dynamic PGO: a method is recompiled after 30 calls
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(int rounds, bool gcPerRound = false)
    {
        var app = Path.Combine(RepoRoot(), "src", "ClusterDashboard", "bin", "Release", "net10.0", "ClusterDashboard.dll");
        if (!File.Exists(app))
        {
            Console.Error.WriteLine($"views: {app} is missing; build the solution in Release first");
            return 2;
        }

        await using var zookeeper = await ZooKeeperCluster.StartAsync(3, new ZooKeeperClusterOptions { ForceSync = false });
        var connect = zookeeper.ConnectString + "/views-" + Guid.NewGuid().ToString("N")[..8];
        var nodes = Enumerable.Range(1, 3).Select(i => NodeProcess.Start(app, $"node-{i}", connect)).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        using var stop = new CancellationTokenSource();
        var tracker = new RoundTracker(3);
        var watchers = new List<Task>();
        var hubs = new List<HubConnection>();
        var probes = new List<(string Mode, ZooKeeperClient Client)>();
        try
        {
            var leader = await AgreedAsync(http, nodes, TimeSpan.FromSeconds(60));

            // A client of the benchmark's own on each server, watching the old leader's candidate: when each server told
            // a client of its deletion, so the commit's share of the election is measured rather than inferred.
            var chroot = connect[zookeeper.ConnectString.Length..];
            foreach (var server in zookeeper.Servers)
            {
                probes.Add((await server.ModeAsync() ?? "unknown", await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = server.Address + chroot, SessionTimeout = TimeSpan.FromSeconds(10) })));
            }

            foreach (var node in nodes)
            {
                hubs.Add(await HubAsync(node, tracker));
                watchers.Add(StreamAsync(http, node, tracker, stop.Token));
                watchers.Add(LongPollAsync(http, node, tracker, stop.Token));
            }

            var accepted = new List<double>();
            var election = new List<double>();
            var applied = new List<double>();
            var delivery = new List<double>();
            var stepDownHub = new List<double>();
            var deletionLeader = new List<double>();
            var deletionFollowers = new List<double>();
            var byView = Views.ToDictionary(v => v, _ => new List<double>());
            var all = new List<double>();
            var beyondServers = new List<double>();
            var processes = nodes.Select(n => (n.Id, Pid: n.ProcessId)).Concat(zookeeper.Servers.Select(z => (Id: $"zk-{z.Id}", Pid: z.ProcessId!.Value))).Append((Id: "bench", Pid: Environment.ProcessId)).ToList();
            var idle = processes.Select(_ => double.NaN).ToList();
            var cpuBefore = processes.Select(_ => double.NaN).ToList();
            var wallBefore = 0L;
            var gcBefore = new List<NodeGc>();
            List<NodeGc> gcLast = [];
            var collected = new List<bool>(); // per measured round, with gcPerRound: whether some node collected in it
            for (var round = -WarmupRounds; round < rounds; round++)
            {
                if (round == 0)
                {
                    // After the warm-up: the cluster at rest, for the CPU it takes with nothing changing.
                    var idleBefore = processes.Select(p => CpuTime.MillisecondsOf(p.Pid) ?? double.NaN).ToList();
                    await Task.Delay(TimeSpan.FromSeconds(10));
                    idle = [.. processes.Select((p, i) => ((CpuTime.MillisecondsOf(p.Pid) ?? double.NaN) - idleBefore[i]) / 10)];
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"views: CPU at rest, ms per s: {string.Join(", ", processes.Select((p, i) => $"{p.Id} {idle[i]:F0}"))}"));
                    cpuBefore = [.. processes.Select(p => CpuTime.MillisecondsOf(p.Pid) ?? double.NaN)];
                    foreach (var node in nodes)
                    {
                        gcBefore.Add(await NodeGc.ReadAsync(http, node));
                    }

                    gcLast = [.. gcBefore];

                    wallBefore = Stopwatch.GetTimestamp();
                }

                var old = leader;
                var heard = tracker.Begin(old.GetProperty("znode").GetString()!, old.GetProperty("nodeId").GetString()!, nodes.Count * Views.Length);
                var deletions = await WatchDeletionAsync(probes, "/election/" + old.GetProperty("znode").GetString());
                var sent = Stopwatch.GetTimestamp();
                using var order = await http.PostAsJsonAsync(new Uri(nodes[0].Url, $"/nodes/{old.GetProperty("nodeId").GetString()}/faults"), new { kind = "resign" });
                if (order.StatusCode != HttpStatusCode.Accepted)
                {
                    Console.Error.WriteLine($"views: resign refused: {(int)order.StatusCode} {await order.Content.ReadAsStringAsync()}");
                    return 1;
                }

                var acceptedAfter = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                var result = await heard.WaitAsync(TimeSpan.FromSeconds(30));
                var deletedAt = await Task.WhenAll(deletions).WaitAsync(TimeSpan.FromSeconds(30));
                leader = await AgreedAsync(http, nodes, TimeSpan.FromSeconds(30));
                if (gcPerRound && round >= 0)
                {
                    var now = new List<NodeGc>();
                    foreach (var node in nodes)
                    {
                        now.Add(await NodeGc.ReadAsync(http, node));
                    }

                    collected.Add(now.Zip(gcLast).Any(n => n.First.Since(n.Second).Collections > 0));
                    gcLast = now;
                }

                // Failovers come one at a time, each into a cluster done with the last: its history records, status
                // writes and heartbeat written, the old leader queued again.
                await Task.Delay(Settle);
                if (round < 0)
                {
                    continue; // warm-up: the nodes' code compiled, pools and caches filled, as in a node that has run a while
                }

                accepted.Add(acceptedAfter);
                double Since(DateTimeOffset at) => (at - result.SteppedDown).TotalMilliseconds;
                election.Add(Since(result.Elected));
                stepDownHub.Add((result.SteppedDownHeard - result.SteppedDown).TotalMilliseconds);
                applied.AddRange(result.Applied.Values.Select(Since));
                for (var i = 0; i < probes.Count; i++)
                {
                    (probes[i].Mode == "leader" ? deletionLeader : deletionFollowers).Add(Since(deletedAt[i]));
                }

                delivery.AddRange(result.Seen.Select(s => (s.Value - result.Applied[s.Key.Node]).TotalMilliseconds));
                all.Add(result.Seen.Values.Max(Since));
                // A node hears of the deletion only from the server its observer is on: a round whose slowest view
                // waited for a server slow to tell anyone shows that here as a small remainder.
                beyondServers.Add(all[^1] - deletedAt.Max(Since));
                foreach (var view in Views)
                {
                    byView[view].AddRange(result.Seen.Where(s => s.Key.View == view).Select(s => Since(s.Value)));
                }
            }

            // What a failover costs each process beyond what it spends at rest over the same time.
            var wall = Stopwatch.GetElapsedTime(wallBefore).TotalMilliseconds / rounds;
            var cpu = processes.Select((p, i) => (((CpuTime.MillisecondsOf(p.Pid) ?? double.NaN) - cpuBefore[i]) / rounds) - (idle[i] * wall / 1000)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"views: CPU per failover beyond rest, ms: {string.Join(", ", processes.Select((p, i) => $"{p.Id} {cpu[i]:F1}"))} (rounds {wall:F0} ms apart, after {WarmupRounds} unmeasured)"));
            var gc = new List<NodeGc>();
            foreach (var (node, i) in nodes.Select((n, i) => (n, i)))
            {
                gc.Add((await NodeGc.ReadAsync(http, node)).Since(gcBefore[i]));
            }

            Console.WriteLine($"views: GC over those rounds, collections gen0/gen1/gen2: {string.Join(", ", nodes.Select((n, i) => $"{n.Id} {gc[i]}"))}");
            Console.WriteLine($"views: {rounds} resignations, 3 nodes, 3 ZooKeeper servers; ms from the old leader's node stepping down (its own stamp)");
            Console.WriteLine($"  {"",-44} {"p50",8} {"p90",8} {"p99",8} {"max",8}");
            Print("(order sent to 202, for scale)", accepted);
            Print("deletion told a client on the ZooKeeper leader", deletionLeader);
            Print("deletion told a client on each follower", deletionFollowers);
            Print("election: successor's node told it leads", election);
            Print("each node's observer applied the deletion", applied);
            foreach (var view in Views)
            {
                Print($"{view}: each node's view received here", byView[view]);
            }

            Print("every view of every node", all);
            Console.WriteLine("  where the time goes, ms:");
            Print("observer applied to view received here", delivery);
            Print("every view beyond the last server's notice", beyondServers);
            if (gcPerRound)
            {
                // A round is counted as collected when a collection came between the reads before and after it: in
                // its failover, or in the pause before it.
                Print($"every view, {collected.Count(c => c)} rounds a node collected", [.. all.Where((_, i) => collected[i])]);
                Print($"every view, {collected.Count(c => !c)} rounds none did", [.. all.Where((_, i) => !collected[i])]);
            }
            Print("a hub message (the step-down's own)", stepDownHub);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  every view / election: p50 {Percentiles.Of(all, 0.50) / Percentiles.Of(election, 0.50):F1}x, p99 {Percentiles.Of(all, 0.99) / Percentiles.Of(election, 0.99):F1}x"));

            leader = await FanoutAsync(http, nodes, tracker, leader, Math.Max(10, rounds / 2));
            return 0;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }

            foreach (var probe in probes)
            {
                await probe.Client.DisposeAsync();
            }

            foreach (var node in nodes)
            {
                node.Dispose();
            }

            await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private const int FanoutClientsEach = 1000;

    /// <summary>1000 SSE and 1000 hub clients over the three nodes, then over three bare servers (BareFanoutServer) that
    /// broadcast the same payload with nothing in between; each round's delivery to every client, from the node's
    /// observer applying the change (its own stamp), or from the bare server starting to send.</summary>
    private static async Task<JsonElement> FanoutAsync(HttpClient http, List<NodeProcess> nodes, RoundTracker tracker, JsonElement leader, int rounds)
    {
        // Hub clients that take the leader topic only, as a service following the leader would; then clients that take
        // every topic, as the default does, which a failover sends about a dozen messages.
        async Task<(List<double> Sse, List<double> Hub)> OursAsync(string hubPath)
        {
            var ours = (Sse: new List<double>(), Hub: new List<double>());
            await using var clients = await FanoutClients.ConnectAsync(http, [.. nodes.Select(n => n.Url)], "/leader/stream", hubPath, FanoutClientsEach);
            for (var round = 0; round < rounds; round++)
            {
                var old = leader.GetProperty("znode").GetString()!;
                var heard = tracker.Begin(old, leader.GetProperty("nodeId").GetString()!, nodes.Count * Views.Length);
                var fanned = clients.Begin(znode => znode != old);
                using var order = await http.PostAsJsonAsync(new Uri(nodes[0].Url, $"/nodes/{leader.GetProperty("nodeId").GetString()}/faults"), new { kind = "resign" });
                order.EnsureSuccessStatusCode();
                var result = await heard.WaitAsync(TimeSpan.FromSeconds(60));
                foreach (var receipt in await fanned.WaitAsync(TimeSpan.FromSeconds(60)))
                {
                    (receipt.Sse ? ours.Sse : ours.Hub).Add((receipt.At - result.Applied[nodes[receipt.Server].Id]).TotalMilliseconds);
                }

                leader = await AgreedAsync(http, nodes, TimeSpan.FromSeconds(30));
            }

            return ours;
        }

        var leaderTopic = await OursAsync("/hubs/cluster?topics=leader");
        var allTopics = await OursAsync("/hubs/cluster");

        var bare = (Sse: new List<double>(), Hub: new List<double>());
        var servers = Enumerable.Range(0, nodes.Count).Select(_ => NodeProcess.StartBare()).ToList();
        try
        {
            await Task.WhenAll(servers.Select(s => UpAsync(http, s.Url)));
            await using var clients = await FanoutClients.ConnectAsync(http, [.. servers.Select(s => s.Url)], "/stream", "/hub", FanoutClientsEach);
            for (var round = 1; round <= rounds; round++)
            {
                var key = $"r-{round}";
                var fanned = clients.Begin(znode => znode == key);
                var sentAt = await Task.WhenAll(servers.Select(async s =>
                {
                    using var sent = await http.PostAsync(new Uri(s.Url, $"/broadcast?round={round}"), null);
                    return DateTimeOffset.Parse(await sent.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
                }));
                foreach (var receipt in await fanned.WaitAsync(TimeSpan.FromSeconds(60)))
                {
                    (receipt.Sse ? bare.Sse : bare.Hub).Add((receipt.At - sentAt[receipt.Server]).TotalMilliseconds);
                }
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Dispose();
            }
        }

        Console.WriteLine($"fan-out: {FanoutClientsEach} SSE and {FanoutClientsEach} hub clients over 3 servers, {rounds} changes each; ms from the change to each client");
        Console.WriteLine($"  {"",-44} {"p50",8} {"p90",8} {"p99",8} {"max",8}");
        Print("ours: SSE, from the node's observer applying", leaderTopic.Sse);
        Print("bare SSE endpoint, from its broadcast", bare.Sse);
        Print("ours: hub, topics=leader", leaderTopic.Hub);
        Print("bare hub, from its broadcast", bare.Hub);
        Print("ours, hub clients on every topic: SSE", allTopics.Sse);
        Print("ours, hub clients on every topic: hub", allTopics.Hub);
        string Ratio(List<double> a, List<double> b, double p) => (Percentiles.Of(a, p) / Percentiles.Of(b, p)).ToString("F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"  ours / bare, p99 (p50): SSE {Ratio(leaderTopic.Sse, bare.Sse, 0.99)}x ({Ratio(leaderTopic.Sse, bare.Sse, 0.5)}x), hub {Ratio(leaderTopic.Hub, bare.Hub, 0.99)}x ({Ratio(leaderTopic.Hub, bare.Hub, 0.5)}x)");
        Console.WriteLine($"  with hub clients on every topic: SSE {Ratio(allTopics.Sse, bare.Sse, 0.99)}x ({Ratio(allTopics.Sse, bare.Sse, 0.5)}x), hub {Ratio(allTopics.Hub, bare.Hub, 0.99)}x ({Ratio(allTopics.Hub, bare.Hub, 0.5)}x)");
        return leader;
    }

    // Sets a watch on the candidate through every probe; each task completes with when its server told of the deletion.
    private static async Task<Task<DateTimeOffset>[]> WatchDeletionAsync(List<(string Mode, ZooKeeperClient Client)> probes, string path)
    {
        var told = probes.Select(_ => new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        await Task.WhenAll(probes.Select((p, i) => p.Client.GetDataAsync(path, e =>
        {
            if (e.Type == WatchEventType.NodeDeleted)
            {
                told[i].TrySetResult(DateTimeOffset.UtcNow);
            }
        })));
        return [.. told.Select(t => t.Task)];
    }

    // A process just started answers once it listens.
    private static async Task UpAsync(HttpClient http, Uri url)
    {
        var until = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                using var probe = await http.GetAsync(new Uri(url, "/hub/negotiate"));
                return;
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < until)
            {
                await Task.Delay(100); // nothing to await on in another process but its port
            }
        }
    }

    private static void Print(string name, List<double> values) =>
        Console.WriteLine(values.Count == 0
            ? $"  {name,-44} {"none",8}"
            : string.Create(CultureInfo.InvariantCulture, $"  {name,-44} {Percentiles.Of(values, 0.50),8:F1} {Percentiles.Of(values, 0.90),8:F1} {Percentiles.Of(values, 0.99),8:F1} {values.Max(),8:F1}"));

    // Every node's /leader names the same candidate.
    internal static async Task<JsonElement> AgreedAsync(HttpClient http, List<NodeProcess> nodes, TimeSpan deadline)
    {
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            try
            {
                var leaders = await Task.WhenAll(nodes.Select(n => http.GetFromJsonAsync<JsonElement>(new Uri(n.Url, "/leader"))));
                if (leaders.Select(l => l.GetProperty("znode").GetString()).Distinct().Count() == 1)
                {
                    return leaders[0];
                }
            }
            catch (HttpRequestException)
            {
                // starting, or no leader yet
            }

            await Task.Delay(50); // polling a process over HTTP: nothing to await on instead
        }

        throw new TimeoutException("the nodes did not agree on a leader");
    }

    private static async Task<HubConnection> HubAsync(NodeProcess node, RoundTracker tracker)
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(node.Url, "/hubs/cluster")).Build();
        hub.On<JsonElement>("LeaderChanged", leader =>
        {
            if (leader.ValueKind == JsonValueKind.Object)
            {
                tracker.Saw(node.Id, "hub", leader.GetProperty("znode").GetString()!);
            }
        });
        hub.On<JsonElement>("LocalStateChanged", state =>
        {
            var at = state.GetProperty("at").GetDateTimeOffset();
            if (state.GetProperty("state").GetString() == "leader")
            {
                tracker.Elected(state.GetProperty("znode").GetString()!, at);
            }
            else
            {
                tracker.SteppedDown(node.Id, at);
            }
        });
        hub.On<JsonElement>("ZnodeChanged", change =>
        {
            if (change.GetProperty("kind").GetString() == "deleted")
            {
                tracker.Applied(node.Id, change.GetProperty("path").GetString()!, change.GetProperty("at").GetDateTimeOffset());
            }
        });
        await hub.StartAsync();
        return hub;
    }

    private static async Task StreamAsync(HttpClient http, NodeProcess node, RoundTracker tracker, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(node.Url, "/leader/stream"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            if (item.EventType == "leader")
            {
                using var json = JsonDocument.Parse(item.Data);
                tracker.Saw(node.Id, "sse", json.RootElement.GetProperty("znode").GetString()!);
            }
        }
    }

    private static async Task LongPollAsync(HttpClient http, NodeProcess node, RoundTracker tracker, CancellationToken cancellationToken)
    {
        var index = "0";
        while (!cancellationToken.IsCancellationRequested)
        {
            using var response = await http.GetAsync(new Uri(node.Url, $"/leader?index={index}&wait=60s"), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await Task.Delay(50, cancellationToken); // a node between views: ask again shortly
                continue;
            }

            index = response.Headers.GetValues("X-Cluster-Index").Single();
            var leader = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            tracker.Saw(node.Id, "long-poll", leader.GetProperty("znode").GetString()!);
        }
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterDashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run from within the repository");
    }

    /// <summary>What one round saw, on the machine's wall clock (the nodes and this process read the same one): when the
    /// old leader's node stepped down and when the successor's node was told it leads, as those nodes stamped it; when
    /// each node's observer applied the deletion of the old candidate, as that node stamped it; when each (node, view)
    /// reached this process naming another leader; and when the step-down's own hub message did.</summary>
    private sealed record Round(
        DateTimeOffset SteppedDown,
        DateTimeOffset SteppedDownHeard,
        DateTimeOffset Elected,
        IReadOnlyDictionary<string, DateTimeOffset> Applied,
        IReadOnlyDictionary<(string Node, string View), DateTimeOffset> Seen);

    /// <summary>One round at a time; complete once every stamp of <see cref="Round"/> is in.</summary>
    private sealed class RoundTracker(int nodes)
    {
        private readonly Lock _lock = new();
        private string? _old;
        private string? _oldNode;
        private int _expected;
        private (DateTimeOffset At, DateTimeOffset Heard)? _steppedDown;
        private DateTimeOffset? _elected;
        private Dictionary<string, DateTimeOffset> _applied = [];
        private Dictionary<(string Node, string View), DateTimeOffset> _seen = [];
        private TaskCompletionSource<Round>? _done;

        public Task<Round> Begin(string old, string oldNode, int expected)
        {
            lock (_lock)
            {
                _old = old;
                _oldNode = oldNode;
                _expected = expected;
                _steppedDown = null;
                _elected = null;
                _applied = [];
                _seen = [];
                _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
                return _done.Task;
            }
        }

        public void Saw(string node, string view, string znode)
        {
            var heard = DateTimeOffset.UtcNow;
            lock (_lock)
            {
                if (_old is not null && znode != _old && _seen.TryAdd((node, view), heard))
                {
                    Complete();
                }
            }
        }

        /// <summary>The old leader's node reports it stopped leading: the resign took effect.</summary>
        public void SteppedDown(string node, DateTimeOffset at)
        {
            var heard = DateTimeOffset.UtcNow;
            lock (_lock)
            {
                if (_old is not null && node == _oldNode && _steppedDown is null)
                {
                    _steppedDown = (at, heard);
                    Complete();
                }
            }
        }

        public void Elected(string znode, DateTimeOffset at)
        {
            lock (_lock)
            {
                if (_old is not null && znode != _old && _elected is null)
                {
                    _elected = at;
                    Complete();
                }
            }
        }

        /// <summary>A node's observer applied a deletion: the old candidate's, if it ends in its name.</summary>
        public void Applied(string node, string path, DateTimeOffset at)
        {
            lock (_lock)
            {
                if (_old is not null && path.EndsWith("/" + _old, StringComparison.Ordinal) && _applied.TryAdd(node, at))
                {
                    Complete();
                }
            }
        }

        private void Complete()
        {
            if (_elected is { } elected && _steppedDown is { } down && _applied.Count == nodes && _seen.Count == _expected)
            {
                _old = null;
                _done!.TrySetResult(new Round(down.At, down.Heard, elected, _applied, _seen));
            }
        }
    }
}
