using System.Text.Json;
using ClusterDashboard.Coordination;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Tests;

/// <summary>The SignalR contract at /hubs/cluster, driven by hand-raised changes: no ZooKeeper needed.</summary>
public sealed class ClusterHubTests
{
    private static readonly DateTimeOffset Later = ClusterViews.At.AddSeconds(5);

    [Fact]
    public async Task GetSnapshot_returns_the_leader_the_queue_and_the_members_to_start_from()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        await using var app = new FakeDashboard(fake);
        await using var hub = await HubRecorder.ConnectAsync(app.Server);

        var snapshot = await hub.Connection.InvokeAsync<JsonElement>("GetSnapshot");

        Assert.Equal("node-2", snapshot.GetProperty("leader").GetProperty("nodeId").GetString());
        Assert.Equal(ClusterViews.Czxid(7), snapshot.GetProperty("leader").GetProperty("epoch").GetInt64());
        Assert.Equal(7, snapshot.GetProperty("leader").GetProperty("sequence").GetInt64());
        Assert.Equal([7L, 8L], snapshot.GetProperty("election").EnumerateArray().Select(c => c.GetProperty("sequence").GetInt64()));
        Assert.Equal(ClusterViews.Znode("node-2", 7), snapshot.GetProperty("election")[1].GetProperty("watching").GetString());
        Assert.Equal(2, snapshot.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task LeaderChanged_is_sent_once_another_candidate_leads_and_not_for_other_changes()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        await using var app = new FakeDashboard(fake);
        await using var hub = await HubRecorder.ConnectAsync(app.Server);

        // A third node joins: the queue and members change, the leader does not.
        fake.Publish(ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)));
        await hub.WaitForAsync("MembersChanged", m => m.GetArrayLength() == 3);
        await hub.WaitForAsync("ElectionChanged", e => e.GetArrayLength() == 3);
        fake.Publish(ClusterViews.Chain(("node-1", 8), ("node-3", 9)));
        var leader = await hub.WaitForAsync("LeaderChanged", l => l.ValueKind == JsonValueKind.Object);

        // Messages reach a client in the order they were sent, so a LeaderChanged for the join would be here by now.
        Assert.Single(hub.All("LeaderChanged"));
        Assert.Equal("node-1", leader.GetProperty("nodeId").GetString());
        Assert.Equal(ClusterViews.Czxid(8), leader.GetProperty("epoch").GetInt64());
        Assert.Equal(8, leader.GetProperty("sequence").GetInt64());
        Assert.Equal(ClusterViews.Znode("node-1", 8), leader.GetProperty("znode").GetString());
        Assert.Equal(ClusterViews.Url("node-1"), leader.GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_client_that_names_its_topics_hears_only_those_and_one_that_names_none_hears_all()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)) };
        await using var app = new FakeDashboard(fake);
        await using var all = await HubRecorder.ConnectAsync(app.Server);
        await using var leaderOnly = await HubRecorder.ConnectAsync(app.Server, "topics=leader");

        // A failover: the leader, the queue and the members change, and a znode with them.
        fake.Touch(new ZnodeChange("/election/" + ClusterViews.Znode("node-2", 7), ZnodeChangeKind.Deleted, Later));
        fake.Publish(ClusterViews.Chain(("node-1", 8), ("node-3", 9)));
        await all.WaitForAsync("ZnodeChanged", _ => true);
        await all.WaitForAsync("MembersChanged", m => m.GetArrayLength() == 2);
        await all.WaitForAsync("LeaderChanged", l => l.ValueKind == JsonValueKind.Object);
        // A second failover: its LeaderChanged comes after anything the first one sent this client.
        fake.Publish(ClusterViews.Chain(("node-3", 9)));
        await leaderOnly.WaitForAsync("LeaderChanged", l => l.ValueKind == JsonValueKind.Object && l.GetProperty("nodeId").GetString() == "node-3");

        Assert.Equal(["node-1", "node-3"], leaderOnly.All("LeaderChanged").Select(l => l.GetProperty("nodeId").GetString()));
        Assert.All(HubRecorder.Methods.Where(m => m != "LeaderChanged"), m => Assert.Empty(leaderOnly.All(m)));
    }

    [Fact]
    public async Task A_topic_that_does_not_exist_ends_the_connection()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7)) });

        try
        {
            await using var hub = await HubRecorder.ConnectAsync(app.Server, "topics=leader,gossip");
            await hub.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            // Refused before the connection was up: as good.
        }
    }

    [Fact]
    public async Task LeaderChanged_carries_null_once_no_candidate_is_left()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7)) };
        await using var app = new FakeDashboard(fake);
        await using var hub = await HubRecorder.ConnectAsync(app.Server);

        fake.Publish(ClusterViews.Chain());

        await hub.WaitForAsync("LeaderChanged", l => l.ValueKind == JsonValueKind.Null);
        await hub.WaitForAsync("ElectionChanged", e => e.GetArrayLength() == 0);
    }

    [Fact]
    public async Task LocalStateChanged_and_ZnodeChanged_carry_the_change_with_words_for_enums()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        await using var app = new FakeDashboard(fake);
        await using var hub = await HubRecorder.ConnectAsync(app.Server);
        var deleted = "/election/" + ClusterViews.Znode("node-2", 7);

        fake.Touch(new ZnodeChange(deleted, ZnodeChangeKind.Deleted, Later));
        fake.Transition(new LeadershipChange(LeadershipState.Leader, 8, ClusterViews.Znode("node-1", 8), Later));

        var znode = await hub.WaitForAsync("ZnodeChanged", _ => true);
        Assert.Equal(deleted, znode.GetProperty("path").GetString());
        Assert.Equal("deleted", znode.GetProperty("kind").GetString());
        Assert.Equal(Later, znode.GetProperty("at").GetDateTimeOffset());
        var local = await hub.WaitForAsync("LocalStateChanged", _ => true);
        Assert.Equal("node-1", local.GetProperty("nodeId").GetString());
        Assert.Equal("leader", local.GetProperty("state").GetString());
        Assert.Equal(8, local.GetProperty("epoch").GetInt64());
        Assert.Equal(ClusterViews.Znode("node-1", 8), local.GetProperty("znode").GetString());
        Assert.Equal(Later, local.GetProperty("at").GetDateTimeOffset());
    }
}
