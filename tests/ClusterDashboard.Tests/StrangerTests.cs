using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Tests;

/// <summary>
/// A cluster started with credentials, as ./run.sh starts one, met by clients that do not have them: kazoo, which
/// nobody here wrote, as the stranger on the same ensemble; a page of another site in a browser. What may they do?
/// </summary>
public sealed class StrangerTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string[] OpenReads = ["read election", "read candidate", "read member", "read heartbeat"];
    private static readonly string[] ClosedReads = ["read commands", "read status", "read history"];

    private static async Task<Dictionary<string, string>> AsStrangerAsync(string connectString, string attempts, string? digestAuth = null)
    {
        // Each attempt is run on its own and reported as "ok" or the name of kazoo's exception.
        var output = await ExternalClient.KazooAsync(connectString, $$"""
            results = {}
            def attempt(name, f):
                try:
                    f()
                    results[name] = "ok"
                except Exception as e:
                    results[name] = type(e).__name__
            {{attempts}}
            print(json.dumps(results))
            """, digestAuth);
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private static async Task<DashboardNode> StartedAsync(string connectString, string nodeId, LogLevel? captureLogsFrom = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var node = new DashboardNode(nodeId, connectString, TimeSpan.FromSeconds(4), settings ?? new Dictionary<string, string?> { ["Faults:Enabled"] = "true" }, captureLogsFrom).Start();
        await Eventually.UntilAsync(
            async ct => await node.Http.GetLeaderAsync(ct) is not null && (await node.Http.GetFromJsonAsync<JsonElement>(new Uri("/members", UriKind.Relative), ct)).EnumerateArray().Any(m => m.GetProperty("nodeId").GetString() == nodeId),
            Deadline,
            $"{nodeId} sees a leader and itself as a member");
        return node;
    }

    [Fact]
    public async Task A_client_without_the_clusters_credentials_gets_NoAuth_on_every_write_and_reads_only_the_election_and_members()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("stranger");
        await using var node = await StartedAsync(connectString, "node-1");
        // A harmless order (end a fault that is not running) has the node make its command path, as any order would.
        using (var recover = await node.Http.DeleteAsync(new Uri("/nodes/node-1/faults", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Accepted, recover.StatusCode);
        }

        await Eventually.UntilAsync(async ct => (await node.Http.GetStringAsync(new Uri("/history", UriKind.Relative), ct)).Contains("\"epoch\"", StringComparison.Ordinal), Deadline, "the history holds the election");
        var candidate = (await node.Http.GetLeaderAsync())!.Znode;

        var results = await AsStrangerAsync(connectString, $$"""
            from kazoo.security import make_acl
            attempt("create command", lambda: zk.create("/commands/node-1/cmd-", b'{"id":"f-1","nodeId":"node-1","kind":"crash","durationSeconds":5}', sequence=True))
            attempt("create commands folder", lambda: zk.create("/commands/node-9"))
            attempt("create candidate", lambda: zk.create("/election/_a-n_", b'{"nodeId":"evil"}', ephemeral=True, sequence=True))
            attempt("create member", lambda: zk.create("/members/evil", b'{"nodeId":"evil","url":"http://evil.example"}', ephemeral=True))
            attempt("create status", lambda: zk.create("/status/evil", b'{}', ephemeral=True))
            attempt("create history", lambda: zk.create("/history/h-", b'{}', sequence=True))
            attempt("create at the root", lambda: zk.create("/election2"))
            attempt("set member", lambda: zk.set("/members/node-1", b'{"nodeId":"node-1","url":"javascript:alert(1)"}'))
            attempt("set heartbeat", lambda: zk.set("/leader-heartbeat", b'{}'))
            attempt("delete candidate", lambda: zk.delete("/election/{{candidate}}"))
            attempt("delete member", lambda: zk.delete("/members/node-1"))
            attempt("set acl", lambda: zk.set_acls("/election", [make_acl("world", "anyone", all=True)]))
            attempt("read election", lambda: zk.get_children("/election"))
            attempt("read candidate", lambda: zk.get("/election/{{candidate}}"))
            attempt("read member", lambda: zk.get("/members/node-1"))
            attempt("read heartbeat", lambda: zk.get("/leader-heartbeat"))
            attempt("read commands", lambda: zk.get_children("/commands"))
            attempt("read status", lambda: zk.get("/status/node-1"))
            attempt("read history", lambda: zk.get_children("/history"))
            """);

        foreach (var write in new[] { "create command", "create commands folder", "create candidate", "create member", "create status", "create history", "create at the root", "set member", "set heartbeat", "delete candidate", "delete member", "set acl" })
        {
            Assert.True(results[write] == "NoAuthError", $"{write}: {results[write]}");
        }

        Assert.All(OpenReads, read => Assert.Equal("ok", results[read]));
        Assert.All(ClosedReads, read => Assert.Equal("NoAuthError", results[read]));
        Assert.Equal(candidate, (await node.Http.GetLeaderAsync())!.Znode);
    }

    [Fact]
    public async Task Znodes_left_open_by_an_earlier_run_are_given_the_clusters_acl_and_the_log_says_so()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("open-acl");
        // An earlier cluster, run without credentials, left its znodes open to anyone.
        await AsStrangerAsync(connectString.Split('/')[0], $$"""
            root = "/{{connectString.Split('/')[1]}}"
            for path in ["", "/election", "/members", "/status", "/commands", "/commands/node-1", "/history"]:
                zk.create(root + path)
            zk.create(root + "/history/h-", b'{"type":"seen","nodeId":"node-1","at":"2026-12-01T00:00:00Z","epoch":1}', sequence=True)
            """);

        await using var node = await StartedAsync(connectString, "node-1", LogLevel.Information);
        await using var zk = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));
        var identity = ZooKeeperId.Digest(TestCredentials.User, TestCredentials.Password);
        Acl[] shared = [new(Permissions.All, identity), new(Permissions.Read, ZooKeeperId.Anyone)];
        Acl[] owned = [new(Permissions.All, identity)];
        var record = "/history/" + (await zk.GetChildrenAsync("/history")).Order(StringComparer.Ordinal).First();

        foreach (var (path, wanted) in new[] { ("/", shared), ("/election", shared), ("/election-sessions", shared), ("/members", shared), ("/status", owned), ("/commands", owned), ("/commands/node-1", owned), ("/history", owned), (record, owned) })
        {
            await Eventually.UntilAsync(async ct => (await zk.GetAclAsync(path, ct)).Acl is var acl && acl.Count == wanted.Length && wanted.All(acl.Contains), Deadline, $"{path} carries the cluster's ACL");
        }

        var said = node.Logs.Lines.Where(l => l.Contains("had the ACL world:anyone:cdrwa", StringComparison.Ordinal)).ToList();
        Assert.Contains(said, l => l.Contains("Znode /election ", StringComparison.Ordinal));
        Assert.Contains(said, l => l.Contains($"Znode {record} ", StringComparison.Ordinal));
        Assert.DoesNotContain(node.Logs.Lines, l => l.Contains(identity.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_credentials_and_the_api_key_never_appear_in_the_log_or_in_any_answer()
    {
        const string apiKey = "key-that-must-stay-secret-7d1";
        var connectString = zookeeper.ConnectString + TestPaths.Unique("secrets");
        await using var node = await StartedAsync(connectString, "node-1", LogLevel.Trace, new Dictionary<string, string?> { ["Faults:Enabled"] = "true", ["Faults:ApiKey"] = apiKey });
        await using var other = await StartedAsync(connectString, "node-2", LogLevel.Trace);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, new Uri("/nodes/node-1/faults", UriKind.Relative)) { Content = JsonContent.Create(new { kind = "pause", durationSeconds = 1 }) })
        {
            wrong.Headers.Add("X-Api-Key", "not-the-key-at-all");
            using var refused = await other.Http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var right = new HttpRequestMessage(HttpMethod.Post, new Uri("/nodes/node-1/faults", UriKind.Relative)) { Content = JsonContent.Create(new { kind = "pause", durationSeconds = 1 }) })
        {
            right.Headers.Add("X-Api-Key", apiKey);
            using var accepted = await other.Http.SendAsync(right);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await using var hub = new HubConnectionBuilder().WithUrl($"{node.Url}/hubs/cluster").Build();
        await hub.StartAsync();
        var answers = new List<string>
        {
            JsonSerializer.Serialize(await hub.InvokeAsync<JsonElement>("GetTree")),
            JsonSerializer.Serialize(await hub.InvokeAsync<JsonElement>("GetSnapshot")),
        };
        foreach (var path in new[] { "/node", "/members", "/election", "/history", "/leader", "/swagger/v1/swagger.json" })
        {
            answers.Add(await node.Http.GetStringAsync(new Uri(path, UriKind.Relative)));
        }

        var logs = node.Logs.Lines.Concat(other.Logs.Lines).ToList();
        Assert.True(logs.Count > 50, $"the nodes logged at trace level ({logs.Count} lines)");
        Assert.Contains(logs, l => l.Contains("refused (WrongKey)", StringComparison.Ordinal));
        foreach (var secret in new[] { TestCredentials.Password, apiKey, ZooKeeperId.Digest(TestCredentials.User, TestCredentials.Password).Id.Split(':')[1] })
        {
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(answers, a => a.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_tree_holds_only_the_clusters_own_znodes_on_a_shared_ensemble_without_a_chroot()
    {
        await using var ensemble = await ZooKeeperCluster.StartAsync(1);
        // Another application's znodes on the same ensemble: a secret, and a large one.
        await AsStrangerAsync(ensemble.ConnectString, """
            zk.create("/secret", b"db-password=hunter2")
            zk.create("/big", b"x" * 900000)
            zk.create("/big/child", b"y")
            zk.create("/electionary", b"not ours either")
            """);

        await using var node = await StartedAsync(ensemble.ConnectString, "node-1");
        await using var hub = new HubConnectionBuilder().WithUrl($"{node.Url}/hubs/cluster").Build();
        await hub.StartAsync();
        var tree = await Eventually.UntilAsync(
            async ct => await hub.InvokeAsync<Hubs.TreeMessage>("GetTree", ct),
            t => t.Nodes.Any(n => n.Path.StartsWith("/election/", StringComparison.Ordinal)) && t.Nodes.Any(n => n.Path.StartsWith("/members/", StringComparison.Ordinal)),
            Deadline,
            "the tree holds the candidate and the member");
        var size = JsonSerializer.Serialize(tree).Length;

        var roots = new[] { "/election", "/election-sessions", "/members", "/status", "/commands", "/history", "/leader-heartbeat" };
        Assert.All(tree.Nodes, n => Assert.Contains(roots, r => n.Path == r || n.Path.StartsWith(r + "/", StringComparison.Ordinal)));
        Assert.DoesNotContain(tree.Nodes, n => n.Data?.Contains("hunter2", StringComparison.Ordinal) == true);
        Assert.True(size < 20_000, $"the tree answer is {size} bytes");
        Assert.DoesNotContain(node.Observer.Tree.Nodes.Keys, p => p is "/secret" or "/big" or "/" or "/electionary");
    }

    [Fact]
    public async Task On_a_cluster_left_open_a_forged_candidate_named_ahead_of_the_queue_queues_last_on_every_node()
    {
        // The review's attack, on a cluster run without credentials (where anyone may write): a plain ephemeral named
        // to sort first, with a payload naming the attacker's URL. It counts as joining when it was made: last.
        var connectString = zookeeper.ConnectString + TestPaths.Unique("forged-open");
        var open = new Dictionary<string, string?> { ["ZooKeeper:Auth"] = null, ["Faults:Enabled"] = "true" };
        await using var first = await StartedAsync(connectString, "node-1", settings: open);
        await using var second = await StartedAsync(connectString, "node-2", settings: open);
        var leader = (await first.Http.GetLeaderAsync())!;

        using var forger = ExternalClient.StartKazoo(connectString, """
            zk.create("/election/_a-n_0000000000", b'{"nodeId":"evil","url":"http://evil.example:6666"}', ephemeral=True)
            print("forged")
            """);
        Assert.Equal("forged", await forger.StandardOutput.ReadLineAsync());
        foreach (var node in new[] { first, second })
        {
            var election = await Eventually.UntilAsync(
                async ct => await node.Http.GetFromJsonAsync<Api.CandidateResponse[]>(new Uri("/election", UriKind.Relative), ct),
                e => e is { Length: 3 },
                Deadline,
                $"{node.NodeId} queues the forged znode");
            Assert.Equal("_a-n_0000000000", election![^1].Znode);
            Assert.False(election[^1].IsLeader);
            Assert.Equal(election[1].Znode, election[^1].Watching);
            Assert.Equal(leader, await node.Http.GetLeaderAsync());
        }

        var leaderNode = leader.NodeId == first.NodeId ? first : second;
        Assert.Equal("leader", (await leaderNode.Http.GetFromJsonAsync<JsonElement>(new Uri("/node", UriKind.Relative))).GetProperty("state").GetString());
        await forger.StandardInput.WriteLineAsync();
        await forger.StandardInput.FlushAsync();
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    public async Task A_page_of_another_site_cannot_open_the_hub_or_the_circuit_or_order_a_fault(string origin)
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("origin");
        await using var node = await StartedAsync(connectString, "node-1");

        await using var hub = new HubConnectionBuilder().WithUrl($"{node.Url}/hubs/cluster", o => o.Headers["Origin"] = origin).Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        using var circuit = new HttpRequestMessage(HttpMethod.Post, new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative)) { Headers = { { "Origin", origin } } };
        using var circuitAnswer = await node.Http.SendAsync(circuit);
        using var order = new HttpRequestMessage(HttpMethod.Post, new Uri("/nodes/node-1/faults", UriKind.Relative)) { Content = JsonContent.Create(new { kind = "crash", durationSeconds = 5 }), Headers = { { "Origin", origin } } };
        using var orderAnswer = await node.Http.SendAsync(order);
        await using var own = new HubConnectionBuilder().WithUrl($"{node.Url}/hubs/cluster", o => o.Headers["Origin"] = node.Url).Build();
        await own.StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, circuitAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, orderAnswer.StatusCode);
        Assert.Equal("application/problem+json", orderAnswer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("node-1", (await own.InvokeAsync<JsonElement>("GetSnapshot")).GetProperty("leader").GetProperty("nodeId").GetString());
        Assert.Equal("leader", (await node.Http.GetFromJsonAsync<JsonElement>(new Uri("/node", UriKind.Relative))).GetProperty("state").GetString());
    }
}
