using System.Net.Http.Json;
using System.Text.Json;
using ClusterDashboard.Api;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Xunit.Abstractions;

namespace ClusterDashboard.Tests;

/// <summary>Each kind of fault, injected through the REST API of one node onto another, on three real nodes.</summary>
public sealed class FaultScenarioTests(StandaloneZooKeeperFixture zookeeper, ITestOutputHelper output) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(2);

    // For scenes about something other than expiry: no stall of a busy machine comes near it.
    private static readonly TimeSpan LongSessionTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);
    private static readonly Dictionary<string, string?> FaultsOn = new() { ["Faults:Enabled"] = "true" };
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new Coordination.Faults.FaultKindJsonConverter(), new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private sealed record Scene(DashboardCluster Nodes, string ConnectString, LeaderResponse Leader, DashboardNode LeaderNode, DashboardNode Other) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Nodes.DisposeAsync();
    }

    private async Task<Scene> StartAsync(string name, TimeSpan? sessionTimeout = null)
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique(name);
        var nodes = new DashboardCluster(connectString, 3, sessionTimeout ?? SessionTimeout, FaultsOn);
        var leader = await Eventually.UntilAsync(
            async ct => await Task.WhenAll(nodes.All.Select(n => n.Http.GetLeaderAsync(ct))),
            all => all.All(l => l is not null && l.Znode == all[0]!.Znode) && all[0]!.Since is not null,
            Deadline,
            "three nodes agree on a leader");
        var leaderNode = nodes.All.Single(n => n.NodeId == leader[0]!.NodeId);
        var other = nodes.All.First(n => n != leaderNode);
        await Eventually.UntilAsync(async ct => (await MembersAsync(other, ct)).Count == 3, Deadline, "all three members are known");
        return new Scene(nodes, connectString, leader[0]!, leaderNode, other);
    }

    private static async Task<List<MemberResponse>> MembersAsync(DashboardNode node, CancellationToken ct) =>
        await node.Http.GetFromJsonAsync<List<MemberResponse>>(new Uri("/members", UriKind.Relative), Json, ct) ?? [];

    private static async Task<string> StateOfAsync(DashboardNode via, string nodeId, CancellationToken ct) =>
        (await MembersAsync(via, ct)).FirstOrDefault(m => m.NodeId == nodeId)?.State.Name() ?? "absent";

    private static Task InjectAsync(DashboardNode via, string target, string kind, int seconds) => OrderAsync(via, target, new { kind, durationSeconds = seconds });

    private static async Task OrderAsync(DashboardNode via, string target, object order)
    {
        using var response = await via.Http.PostAsJsonAsync(new Uri($"/nodes/{target}/faults", UriKind.Relative), order);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    private static Task<LeaderResponse?> NewLeaderAsync(DashboardNode via, LeaderResponse old) =>
        Eventually.UntilAsync(async ct => await via.Http.GetLeaderAsync(ct), l => l is not null && l.NodeId != old.NodeId, Deadline, "another node leads");

    [Fact]
    public async Task Crash_fails_over_after_the_session_timeout_and_the_node_rejoins_as_follower()
    {
        await using var scene = await StartAsync("crash");

        await InjectAsync(scene.Other, scene.Leader.NodeId, "crash", 4);
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "crashed", Deadline, "the leader shows as crashed");
        var next = await NewLeaderAsync(scene.Other, scene.Leader);
        var history = await Eventually.UntilAsync(
            async ct => await scene.Other.Http.GetFromJsonAsync<JsonElement>(new Uri("/history", UriKind.Relative), ct),
            h => h.GetProperty("leaderChanges").EnumerateArray().Any(c => c.GetProperty("epoch").GetInt64() == next!.Epoch && c.GetProperty("detectionMs").ValueKind == JsonValueKind.Number),
            Deadline,
            "the history times the failover");
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "follower", Deadline, "the crashed node rejoins as follower");

        Assert.True(next!.Epoch > scene.Leader.Epoch);
        var change = history.GetProperty("leaderChanges").EnumerateArray().First(c => c.GetProperty("epoch").GetInt64() == next.Epoch);
        // The server expires the session a timeout after the crashed node's last ping, which may precede the crash by up
        // to a third of the timeout: noticed then, not at once as a departure is.
        Assert.True(change.GetProperty("detectionMs").GetDouble() >= SessionTimeout.TotalMilliseconds / 2, $"a crash is noticed by the session expiring, not before: {change}");
        Assert.Equal("crash", history.GetProperty("faults")[0].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_partition_shorter_than_the_session_timeout_suspends_the_leader_but_changes_no_leader()
    {
        // A partition is silent: the leader notices at its read timeout (8 s of a 12 s session) after it last heard
        // the server, and the server expires the session 12 s after it last heard the leader. The leader's heartbeat
        // (every second) means both were at most a second before the partition: a 10 s partition is noticed 7 to 8 s
        // in and heals before the session can expire (11 s in at the earliest).
        await using var scene = await StartAsync("short-partition", TimeSpan.FromSeconds(12));

        await InjectAsync(scene.Other, scene.Leader.NodeId, "partition", 10);
        await Eventually.UntilAsync(
            async ct => (await scene.LeaderNode.Http.GetFromJsonAsync<NodeResponse>(new Uri("/node", UriKind.Relative), Json, ct))!.State == LeadershipState.Suspended,
            Deadline,
            "the partitioned leader is suspended");
        await Eventually.UntilAsync(
            async ct => (await scene.LeaderNode.Http.GetFromJsonAsync<NodeResponse>(new Uri("/node", UriKind.Relative), Json, ct))!.State == LeadershipState.Leader,
            Deadline,
            "it leads again once the partition heals");

        Assert.Equal(scene.Leader.Znode, (await scene.Other.Http.GetLeaderAsync())!.Znode);
    }

    [Fact]
    public async Task A_partition_longer_than_the_session_timeout_fails_over_and_the_node_rejoins_as_follower()
    {
        await using var scene = await StartAsync("long-partition");

        await InjectAsync(scene.Other, scene.Leader.NodeId, "partition", 5);
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "partitioned", Deadline, "the leader shows as partitioned");
        var next = await NewLeaderAsync(scene.Other, scene.Leader);
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "follower", Deadline, "the node rejoins as follower after the partition");

        Assert.True(next!.Epoch > scene.Leader.Epoch);
        Assert.Equal(next.Znode, (await scene.Other.Http.GetLeaderAsync())!.Znode);
    }

    [Fact]
    public async Task A_paused_leader_has_its_fenced_heartbeat_refused_after_it_wakes_and_steps_down()
    {
        await using var scene = await StartAsync("pause");

        await InjectAsync(scene.Other, scene.Leader.NodeId, "pause", 5);
        var next = await NewLeaderAsync(scene.Other, scene.Leader);
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "follower", Deadline, "the woken leader steps down and follows");
        await using var zk = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(scene.ConnectString));
        var beat = await Eventually.UntilAsync(
            async ct => HeartbeatInfo.TryParse((await zk.GetDataAsync("/leader-heartbeat", cancellationToken: ct)).Data),
            b => b is not null && b.Epoch == next!.Epoch,
            Deadline,
            "the new leader's heartbeat");

        // The stale leader's writes were fenced off: the heartbeat is the new leader's alone.
        Assert.Equal(next!.NodeId, beat!.NodeId);
        Assert.NotEqual(LeadershipState.Leader, (await scene.LeaderNode.Http.GetFromJsonAsync<NodeResponse>(new Uri("/node", UriKind.Relative), Json))!.State);
    }

    [Fact]
    public async Task Leave_fails_over_at_once_not_after_the_session_timeout()
    {
        // A session far longer than a departure's failover: a new leader within a quarter of it can only come from the
        // leave itself (the candidate deleted with the closed session), not from waiting for an expiry. The bound
        // tells those two apart; how fast a departure fails over is measured by the benchmark's graceful failover.
        await using var scene = await StartAsync("leave", LongSessionTimeout);
        var started = TimeProvider.System.GetTimestamp();

        await InjectAsync(scene.Other, scene.Leader.NodeId, "leave", 30);
        await NewLeaderAsync(scene.Other, scene.Leader);

        var took = TimeProvider.System.GetElapsedTime(started);
        output.WriteLine($"leave failed over in {took.TotalMilliseconds:F0} ms (session timeout {LongSessionTimeout.TotalSeconds:F0} s)");
        Assert.True(took < LongSessionTimeout / 4, $"leave failed over in {took.TotalMilliseconds:F0} ms, as if it had waited for the session timeout");
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "left", Deadline, "the node shows as left");
    }

    [Fact]
    public async Task A_one_way_partition_of_the_leader_fails_over_once_its_session_ends_and_it_rejoins_as_follower()
    {
        // Only the server's answers are lost: its pings still arrive, until the leader gives up on the connection at
        // its read timeout and cannot open another (a handshake needs both ways); then the session expires.
        await using var scene = await StartAsync("one-way");

        await OrderAsync(scene.Other, scene.Leader.NodeId, new { kind = "partition-oneway", direction = "downstream", durationSeconds = 5 });
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "partitioned", Deadline, "the leader shows as partitioned");
        var next = await NewLeaderAsync(scene.Other, scene.Leader);
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "follower", Deadline, "it rejoins as follower once the partition heals");

        Assert.True(next!.Epoch > scene.Leader.Epoch);
        var fault = (await scene.Other.Http.GetFromJsonAsync<JsonElement>(new Uri("/history", UriKind.Relative))).GetProperty("faults")[0];
        Assert.Equal("partition-oneway", fault.GetProperty("kind").GetString());
        Assert.Equal("downstream", fault.GetProperty("parameters").GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Latency_slows_the_leader_without_unseating_it()
    {
        // 300 ms each way inside a 9 s session: every answer is late, none late enough to cost the connection.
        await using var scene = await StartAsync("latency", TimeSpan.FromSeconds(9));

        await OrderAsync(scene.Other, scene.Leader.NodeId, new { kind = "latency", latencyMs = 300, jitterMs = 50, durationSeconds = 4 });
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "slowed", Deadline, "the leader shows as slowed");
        await Eventually.UntilAsync(async ct => await StateOfAsync(scene.Other, scene.Leader.NodeId, ct) == "leader", Deadline, "it is plain leader again once the latency ends");

        Assert.Equal(scene.Leader.Znode, (await scene.Other.Http.GetLeaderAsync())!.Znode);
        Assert.Equal(LeadershipState.Leader, (await scene.LeaderNode.Http.GetFromJsonAsync<NodeResponse>(new Uri("/node", UriKind.Relative), Json))!.State);
    }
}
