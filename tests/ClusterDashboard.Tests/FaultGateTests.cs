using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClusterDashboard.Api;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Tests;

/// <summary>
/// The target decides. Three real nodes with credentials: node-1 accepts faults, node-2 does not (Faults:Enabled is
/// false), node-3 accepts them only with its own key. Orders reach them through another node's REST API, or as
/// command znodes written straight into ZooKeeper with the cluster's credentials (kazoo, as a careless operator's
/// script would); each node applies its own rules to whatever arrives, and records every refusal with its reason.
/// </summary>
public sealed class FaultGateTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private const string Node3Key = "node-3-key-0c5e27";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new Coordination.Faults.FaultKindJsonConverter(), new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private sealed class Scene(string connectString, DashboardNode open, DashboardNode closed, DashboardNode keyed) : IAsyncDisposable
    {
        public string ConnectString => connectString;

        public DashboardNode Open => open;

        public DashboardNode Closed => closed;

        public DashboardNode Keyed => keyed;

        public async ValueTask DisposeAsync()
        {
            await keyed.DisposeAsync();
            await closed.DisposeAsync();
            await open.DisposeAsync();
        }
    }

    private async Task<Scene> StartAsync(string name)
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique(name);
        var scene = new Scene(
            connectString,
            new DashboardNode("node-1", connectString, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "true" }).Start(),
            new DashboardNode("node-2", connectString, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "false" }).Start(),
            new DashboardNode("node-3", connectString, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "true", ["Faults:ApiKey"] = Node3Key }).Start());
        await Eventually.UntilAsync(
            async ct => (await scene.Open.Http.GetFromJsonAsync<MemberResponse[]>(new Uri("/members", UriKind.Relative), Json, ct))!.Length == 3
                && await scene.Open.Http.GetLeaderAsync(ct) is not null,
            Deadline,
            "three members and a leader");
        // Each node publishes what it accepts; node-1's page and API answer from it.
        await Eventually.UntilAsync(_ => Task.FromResult(scene.Open.Observer.Current.Members.Count(m => m.Faults is not null) == 3), Deadline, "every node published its fault policy");
        return scene;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> OrderAsync(DashboardNode via, string target, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/nodes/{target}/faults", UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await via.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<NodeResponse> NodeAsync(DashboardNode node) =>
        (await node.Http.GetFromJsonAsync<NodeResponse>(new Uri("/node", UriKind.Relative), Json))!;

    /// <summary>The target's verdict on an order, once it is in the history.</summary>
    private static Task<FaultEntry> VerdictAsync(DashboardNode reader, Func<FaultEntry, bool> match, string because) =>
        Eventually.UntilAsync(
            async ct => (await reader.Http.GetFromJsonAsync<ClusterHistory>(new Uri("/history", UriKind.Relative), Json, ct))!.Faults.FirstOrDefault(match),
            f => f is not null,
            Deadline,
            because)!;

    // A command as a node writes one, written by hand with the cluster's credentials.
    private static Task<string> WriteCommandAsync(string connectString, string target, string commandJson) =>
        ExternalClient.KazooAsync(connectString, $$"""
            from kazoo.security import make_digest_acl
            zk.ensure_path("/commands/{{target}}")
            zk.create("/commands/{{target}}/cmd-", {{JsonSerializer.Serialize(commandJson)}}.encode(), sequence=True, acl=[make_digest_acl("{{TestCredentials.User}}", "{{TestCredentials.Password}}", all=True)])
            """, $"{TestCredentials.User}:{TestCredentials.Password}");

    private static string Command(string id, string target, string kind, long durationSeconds) =>
        $$"""{"id":"{{id}}","nodeId":"{{target}}","kind":"{{kind}}","durationSeconds":{{durationSeconds}},"issuedAt":"{{DateTimeOffset.UtcNow:O}}","issuedBy":"node-1"}""";

    [Fact]
    public async Task A_node_with_injection_off_refuses_an_order_through_another_nodes_api_at_once_and_one_written_into_zookeeper()
    {
        await using var scene = await StartAsync("gate-off");

        var (status, problem) = await OrderAsync(scene.Open, "node-2", new { kind = "crash", durationSeconds = 30 });
        await WriteCommandAsync(scene.ConnectString, "node-2", Command("f-0ff0ff", "node-2", "crash", 30));
        var verdict = await VerdictAsync(scene.Open, f => f.Id == "f-0ff0ff", "node-2 decided on the command written into ZooKeeper");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("node-2 does not accept fault injection.", problem.GetProperty("detail").GetString());
        Assert.False(verdict.CarriedOut);
        Assert.Equal(Coordination.Faults.FaultRefusal.NotAccepted, verdict.Refusal);
        Assert.Contains("Faults:Enabled is false", verdict.Reason, StringComparison.Ordinal);
        var node2 = await NodeAsync(scene.Closed);
        Assert.Null(node2.Fault);
        Assert.Contains(node2.State, new[] { LeadershipState.Leader, LeadershipState.Follower });
        // Claimed and removed, not left to fire later.
        await Eventually.UntilAsync(_ => Task.FromResult(!scene.Closed.Observer.Tree.ChildrenOf("/commands/node-2").Any()), Deadline, "node-2's command path is empty");
    }

    [Fact]
    public async Task A_node_with_a_key_refuses_orders_without_it_or_with_another_and_carries_out_the_one_with_it()
    {
        await using var scene = await StartAsync("gate-key");
        var order = new { kind = "partition", durationSeconds = 1 };

        var (missing, missingProblem) = await OrderAsync(scene.Open, "node-3", order);
        var (wrong, wrongProblem) = await OrderAsync(scene.Open, "node-3", order, "a-guess-0000");
        var (right, accepted) = await OrderAsync(scene.Open, "node-3", order, Node3Key);

        // The answer's body goes into the message: a failure here (seen once under load, cause not caught) says why.
        Assert.True(missing == HttpStatusCode.Unauthorized, $"without the key: {(int)missing} {missingProblem}");
        Assert.Contains("accepts faults only with its API key", missingProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // node-1 cannot tell node-3's key: node-3 itself refused it, and says so in the history.
        Assert.True(wrong == HttpStatusCode.Unauthorized, $"with a wrong key: {(int)wrong} {wrongProblem}");
        Assert.Equal("the order did not carry node-3's API key", wrongProblem.GetProperty("detail").GetString());
        var refused = await VerdictAsync(scene.Open, f => f.Id == wrongProblem.GetProperty("faultId").GetString(), "the refusal is in the history");
        Assert.Equal(Coordination.Faults.FaultRefusal.WrongKey, refused.Refusal);
        Assert.True(right == HttpStatusCode.Accepted, $"with the key: {(int)right} {accepted}");
        var carried = await VerdictAsync(scene.Open, f => f.Id == accepted.GetProperty("faultId").GetString(), "the partition is in the history");
        Assert.True(carried.CarriedOut);
        Assert.Equal("node-1", carried.IssuedBy);
    }

    [Fact]
    public async Task Absurd_durations_and_unknown_kinds_are_refused_cleanly_and_the_leader_goes_on_leading()
    {
        await using var scene = await StartAsync("gate-absurd");
        var target = scene.Open; // accepts faults without a key
        var leader = (await scene.Open.Http.GetLeaderAsync())!;

        var (status, problem) = await OrderAsync(scene.Keyed, target.NodeId, new { kind = "pause", durationSeconds = int.MaxValue });
        var (unnamed, unnamedProblem) = await OrderAsync(scene.Keyed, "%3Cscript%3Ealert(1)%3C%2Fscript%3E", new { kind = "crash", durationSeconds = 5 });
        await WriteCommandAsync(scene.ConnectString, target.NodeId, Command("f-b16b16", target.NodeId, "pause", int.MaxValue));
        await WriteCommandAsync(scene.ConnectString, target.NodeId, Command("f-c0ffee", target.NodeId, "crash,pause", 5));
        await WriteCommandAsync(scene.ConnectString, target.NodeId, Command("f-0dd0dd", target.NodeId, "crash", -5));
        var huge = await VerdictAsync(scene.Open, f => f.Id == "f-b16b16", "the huge pause was decided on");
        var listed = await VerdictAsync(scene.Open, f => f.Id == "f-c0ffee", "the listed kinds were decided on");
        var negative = await VerdictAsync(scene.Open, f => f.Id == "f-0dd0dd", "the negative duration was decided on");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("between 1 and 600", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unnamed);
        Assert.DoesNotContain("script", unnamedProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("between 1 and 600", huge.Reason, StringComparison.Ordinal);
        Assert.Contains("unknown kind 'crash,pause'", listed.Reason, StringComparison.Ordinal);
        Assert.Contains("between 1 and 600", negative.Reason, StringComparison.Ordinal);
        Assert.All(new[] { huge, listed, negative }, f => Assert.Equal(Coordination.Faults.FaultRefusal.Invalid, f.Refusal));
        Assert.Null((await NodeAsync(target)).Fault);
        // The same candidate leads: nothing reached a timer, no reconnect, no new session anywhere.
        Assert.Equal(leader.Znode, (await scene.Open.Http.GetLeaderAsync())!.Znode);
    }

    [Fact]
    public async Task A_command_left_behind_while_a_node_was_down_is_dropped_when_it_starts_not_run()
    {
        await using var scene = await StartAsync("gate-stale");
        await WriteCommandAsync(scene.ConnectString, "node-4", Command("f-1eff0e", "node-4", "crash", 30));

        await using var node4 = new DashboardNode("node-4", scene.ConnectString, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "true" }).Start();
        var verdict = await VerdictAsync(scene.Open, f => f.Id == "f-1eff0e", "node-4 decided on the old command");
        await Eventually.UntilAsync(async _ => (await NodeAsync(node4)).State == LeadershipState.Follower, Deadline, "node-4 joins the election");

        Assert.Equal(Coordination.Faults.FaultRefusal.Stale, verdict.Refusal);
        Assert.Contains("before this node was listening", verdict.Reason, StringComparison.Ordinal);
        Assert.Null((await NodeAsync(node4)).Fault);
    }

    [Fact]
    public async Task An_order_that_reaches_its_target_later_than_the_age_limit_is_dropped_not_run()
    {
        await using var scene = await StartAsync("gate-late");
        // node-4's clock runs a minute ahead: every order it sees is a minute old by it, as one that waited that
        // long to be heard would be.
        await using var node4 = new DashboardNode("node-4", scene.ConnectString, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "true" }, clock: new ShiftedClock(TimeSpan.FromMinutes(1))).Start();
        await Eventually.UntilAsync(_ => Task.FromResult(scene.Open.Observer.Current.Members.Any(m => m.NodeId == "node-4" && m.Faults is not null)), Deadline, "node-4 published its policy");

        var (status, problem) = await OrderAsync(scene.Open, "node-4", new { kind = "crash", durationSeconds = 30 });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("orders older than 10 s are dropped", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null((await NodeAsync(node4)).Fault);
    }

    private sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    [Fact]
    public async Task The_same_command_written_twice_runs_once()
    {
        await using var scene = await StartAsync("gate-replay");
        await WriteCommandAsync(scene.ConnectString, "node-1", Command("f-2e91a7", "node-1", "partition", 1));
        var first = await VerdictAsync(scene.Open, f => f.Id == "f-2e91a7", "the first copy was decided on");

        await WriteCommandAsync(scene.ConnectString, "node-1", Command("f-2e91a7", "node-1", "partition", 1));
        var second = await VerdictAsync(scene.Open, f => f.Id == "f-2e91a7" && f.DecidedAt > first.DecidedAt, "the second copy was decided on");

        Assert.True(first.CarriedOut, first.Reason);
        Assert.Equal(Coordination.Faults.FaultRefusal.Stale, second.Refusal);
        Assert.Contains("seen before", second.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_while_the_node_cannot_reach_zookeeper_is_a_503_with_retry_after_not_a_500()
    {
        await using var ensemble = await ZooKeeperCluster.StartAsync(1);
        await using var node = new DashboardNode("node-1", ensemble.ConnectString, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "true" }).Start();
        await Eventually.UntilAsync(async ct => await node.Http.GetLeaderAsync(ct) is not null, Deadline, "node-1 leads");

        await ensemble.KillAllAsync();
        using var response = await Eventually.UntilAsync(
            async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/nodes/node-1/faults", UriKind.Relative)) { Content = JsonContent.Create(new { kind = "crash", durationSeconds = 5 }) };
                return await node.Http.SendAsync(request, ct);
            },
            r => r.StatusCode != HttpStatusCode.Accepted,
            Deadline,
            "the order is refused for the outage");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("ZooKeeper", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resign_aimed_at_a_follower_is_a_409_and_at_the_leader_it_hands_over()
    {
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("gate-resign"), 2, TimeSpan.FromSeconds(4), new Dictionary<string, string?> { ["Faults:Enabled"] = "true" });
        var leader = await Eventually.UntilAsync(
            async ct => await nodes.All[0].Http.GetLeaderAsync(ct),
            l => l is not null && nodes.All[0].Observer.Current.Members.Count(m => m.Faults is not null) == 2,
            Deadline,
            "a leader, and both nodes' policies published");
        var follower = nodes.All.Single(n => n.NodeId != leader!.NodeId).NodeId;

        var (toFollower, problem) = await OrderAsync(nodes.All[0], follower, new { kind = "resign" });
        var (toLeader, _) = await OrderAsync(nodes.All[0], leader!.NodeId, new { kind = "resign" });

        Assert.Equal(HttpStatusCode.Conflict, toFollower);
        Assert.Equal($"{follower} does not lead, so it cannot resign; {leader.NodeId} leads.", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Accepted, toLeader);
        await Eventually.UntilAsync(async ct => (await nodes.All[0].Http.GetLeaderAsync(ct))?.NodeId == follower, Deadline, "the other node leads");
    }

    [Fact]
    public async Task An_order_old_by_the_time_its_issuer_gave_is_dropped_even_when_its_znode_is_new()
    {
        // A copy of an old order written again: the znode is new to the server, the order is not.
        await using var scene = await StartAsync("gate-replay-late");
        var issued = DateTimeOffset.UtcNow.AddMinutes(-2);

        await WriteCommandAsync(scene.ConnectString, "node-1", $$"""{"id":"f-01d01d","nodeId":"node-1","kind":"partition","durationSeconds":1,"issuedAt":"{{issued:O}}","issuedBy":"node-1"}""");
        var verdict = await VerdictAsync(scene.Open, f => f.Id == "f-01d01d", "node-1 decided on the copy");

        Assert.Equal(Coordination.Faults.FaultRefusal.Stale, verdict.Refusal);
        Assert.Contains("after it was issued", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_its_target_never_takes_is_withdrawn_and_its_proof_is_never_served()
    {
        await using var scene = await StartAsync("gate-withdraw");
        // A member with no node behind it: it is listed, but nobody takes its orders.
        using var ghost = ExternalClient.StartKazoo(scene.ConnectString, $$"""
            from kazoo.security import make_digest_acl, make_acl
            zk.create("/members/node-9", b'{"nodeId":"node-9","url":"http://127.0.0.1:9","startedAt":"2026-12-01T00:00:00Z","version":"1","state":"follower"}', ephemeral=True, acl=[make_digest_acl("{{TestCredentials.User}}", "{{TestCredentials.Password}}", all=True), make_acl("world", "anyone", read=True)])
            print("registered")
            """, $"{TestCredentials.User}:{TestCredentials.Password}");
        Assert.Equal("registered", await ghost.StandardOutput.ReadLineAsync());
        await Eventually.UntilAsync(_ => Task.FromResult(scene.Open.Observer.Current.Members.Any(m => m.NodeId == "node-9")), Deadline, "node-1 sees node-9");
        await using var hub = new HubConnectionBuilder().WithUrl($"{scene.Open.Url}/hubs/cluster").Build();
        await hub.StartAsync();

        var order = OrderAsync(scene.Open, "node-9", new { kind = "crash", durationSeconds = 5 }, "some-key-for-node-9");
        var pending = await Eventually.UntilAsync(
            async ct => (await hub.InvokeAsync<Hubs.TreeMessage>("GetTree", ct)).Nodes.FirstOrDefault(n => n.Path.StartsWith("/commands/node-9/", StringComparison.Ordinal)),
            n => n is not null,
            Deadline,
            "the order waits under /commands/node-9");
        var (status, problem) = await order;

        Assert.Null(pending!.Data); // the order's proof of the key stays in ZooKeeper, behind the ACL
        Assert.True(pending.DataLength > 0);
        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Contains("it was withdrawn and will not run", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Eventually.UntilAsync(_ => Task.FromResult(!scene.Open.Observer.Tree.ChildrenOf("/commands/node-9").Any()), Deadline, "the command is gone");
        await ghost.StandardInput.WriteLineAsync();
        await ghost.StandardInput.FlushAsync();
    }

    [Fact]
    public async Task An_order_whose_caller_gives_up_is_withdrawn()
    {
        await using var scene = await StartAsync("gate-cancel");
        using var ghost = ExternalClient.StartKazoo(scene.ConnectString, $$"""
            from kazoo.security import make_digest_acl
            zk.create("/members/node-9", b'{"nodeId":"node-9","url":"http://127.0.0.1:9","startedAt":"2026-12-01T00:00:00Z","version":"1","state":"follower"}', ephemeral=True, acl=[make_digest_acl("{{TestCredentials.User}}", "{{TestCredentials.Password}}", all=True)])
            print("registered")
            """, $"{TestCredentials.User}:{TestCredentials.Password}");
        Assert.Equal("registered", await ghost.StandardOutput.ReadLineAsync());
        await Eventually.UntilAsync(_ => Task.FromResult(scene.Open.Observer.Current.Members.Any(m => m.NodeId == "node-9")), Deadline, "node-1 sees node-9");
        using var impatient = new HttpClient { BaseAddress = new Uri(scene.Open.Url) };
        using var gaveUp = new CancellationTokenSource();

        var order = impatient.PostAsync(new Uri("/nodes/node-9/faults", UriKind.Relative), JsonContent.Create(new { kind = "crash", durationSeconds = 5 }), gaveUp.Token);
        await Eventually.UntilAsync(_ => Task.FromResult(scene.Open.Observer.Tree.ChildrenOf("/commands/node-9").Any()), Deadline, "the order waits under /commands/node-9");
        await gaveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => order);
        await Eventually.UntilAsync(_ => Task.FromResult(!scene.Open.Observer.Tree.ChildrenOf("/commands/node-9").Any()), Deadline, "the command is withdrawn");
        await ghost.StandardInput.WriteLineAsync();
        await ghost.StandardInput.FlushAsync();
    }
}
