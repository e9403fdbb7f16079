using ClusterDashboard.Api;
using ClusterDashboard.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterDashboard.Tests;

/// <summary>Three real nodes on a real ZooKeeper: what other services see through REST and the hub.</summary>
public sealed class ClusterEndToEndTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Three_nodes_agree_on_the_leader()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("agree");
        await using var nodes = new DashboardCluster(connectString, 3);

        var leaders = await Eventually.UntilAsync(
            async ct => await Task.WhenAll(nodes.All.Select(n => n.Http.GetLeaderAsync(ct))),
            all => all.All(l => l is not null) && all.Select(l => l!.Znode).Distinct().Count() == 1,
            Deadline,
            "all three nodes report the same leader");

        var leader = leaders[0]!;
        Assert.Contains(leader.NodeId, nodes.All.Select(n => n.NodeId));
        Assert.Equal(nodes.All.Single(n => n.NodeId == leader.NodeId).Url, leader.Url);
        Assert.All(leaders, l => Assert.Equal(leader, l! with { Since = leader.Since }));
    }

    [Fact]
    public async Task A_hub_client_on_a_follower_hears_the_new_leader_after_the_leader_stops()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("hub");
        await using var nodes = new DashboardCluster(connectString, 3);
        var first = await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, Deadline, "a leader is elected");
        var follower = nodes.All.First(n => n.NodeId != first!.NodeId);
        var changes = new List<LeaderResponse?>();
        await using var hub = new HubConnectionBuilder().WithUrl($"{follower.Url}/hubs/cluster").Build();
        hub.On<LeaderResponse?>("LeaderChanged", leader =>
        {
            lock (changes)
            {
                changes.Add(leader);
            }
        });
        await hub.StartAsync();

        await nodes.StopAsync(first!.NodeId);

        var next = await Eventually.UntilAsync(
            _ =>
            {
                lock (changes)
                {
                    return Task.FromResult(changes.LastOrDefault(c => c is not null && c.NodeId != first.NodeId));
                }
            },
            l => l is not null,
            Deadline,
            "the hub pushes the new leader");
        Assert.True(next!.Epoch > first.Epoch, $"epoch {next.Epoch} must exceed {first.Epoch}");
        Assert.Equal(next.Znode, (await follower.Http.GetLeaderAsync())?.Znode);
    }

    [Fact]
    public async Task The_hub_hands_out_a_consistent_tree_and_streams_later_changes_with_higher_zxids()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("tree");
        await using var nodes = new DashboardCluster(connectString, 2);
        await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, Deadline, "a leader is elected");
        var changes = System.Threading.Channels.Channel.CreateUnbounded<Hubs.ZnodeMessage>();
        await using var hub = new HubConnectionBuilder().WithUrl($"{nodes.All[0].Url}/hubs/cluster")
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        hub.On<Hubs.ZnodeMessage>("ZnodeChanged", m => changes.Writer.TryWrite(m));
        await hub.StartAsync();

        var tree = await Eventually.UntilAsync(
            async ct => await hub.InvokeAsync<Hubs.TreeMessage>("GetTree", ct),
            t => t.Nodes.Count(n => n.Path.StartsWith("/election/", StringComparison.Ordinal)) == 2,
            Deadline,
            "the tree holds both candidates");
        await nodes.StopAsync(nodes.All[1].NodeId);
        var deleted = await changes.Reader.ReadAllAsync().FirstAsync(m => m.Kind == Coordination.ZnodeChangeKind.Deleted && m.Path.StartsWith("/election/", StringComparison.Ordinal)).AsTask().WaitAsync(Deadline);

        Assert.Contains(tree.Nodes, n => n.Path == "/members/node-1" && n.EphemeralOwner is not null && n.Data!.Contains("node-1", StringComparison.Ordinal));
        Assert.DoesNotContain(tree.Nodes, n => n.Path.StartsWith("/zookeeper", StringComparison.Ordinal));
        Assert.True(deleted.Zxid > tree.Zxid, $"change zxid {deleted.Zxid} follows the tree's {tree.Zxid}");
    }
}
