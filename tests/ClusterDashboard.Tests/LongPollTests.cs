using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterDashboard.Tests;

/// <summary>GET /leader?index=N&amp;wait=D: a service follows the leader without polling in a loop.</summary>
public sealed class LongPollTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static ClusterSnapshot LedBy(ClusterSnapshot view, string nodeId, long epoch, string znode, long zxid) =>
        view with { Leader = new LeaderInfo(nodeId, $"http://{nodeId}", epoch, znode, view.ObservedAt), Zxid = zxid };

    [Fact]
    public async Task A_long_poll_is_held_until_the_leader_changes_and_answers_the_new_one_with_its_index()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();
        var feed = app.Services.GetRequiredService<ClusterEventFeed>();

        var held = http.GetAsync(new Uri("/leader?index=42&wait=30s", UriKind.Relative));
        await Eventually.UntilAsync(_ => Task.FromResult(feed.LongPollsWaiting == 1), Deadline, "the long-poll is held");
        fake.Publish(FakeCoordination.ThreeNodes() with { Zxid = 43 }); // a change, but the same leader: still held
        var second = http.GetAsync(new Uri("/leader?index=43&wait=30s", UriKind.Relative));
        await Eventually.UntilAsync(_ => Task.FromResult(feed.LongPollsWaiting == 2), Deadline, "the first long-poll is still held when a second comes");
        fake.Publish(LedBy(FakeCoordination.ThreeNodes(), "node-1", 8, "n_0000000008", zxid: 50));
        using var response = await held.WaitAsync(Deadline);
        using var alongside = await second.WaitAsync(Deadline);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("node-1", (await response.Content.ReadFromJsonAsync<LeaderResponse>())!.NodeId);
        Assert.Equal(["50"], response.Headers.GetValues("X-Cluster-Index"));
        Assert.Equal("node-1", (await alongside.Content.ReadFromJsonAsync<LeaderResponse>())!.NodeId);
    }

    [Fact]
    public async Task A_long_poll_with_no_change_answers_the_same_leader_once_its_wait_is_over()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();
        var started = Stopwatch.GetTimestamp();

        using var response = await http.GetAsync(new Uri("/leader?index=42&wait=300ms", UriKind.Relative));

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(300), "it was held for its wait");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("node-2", (await response.Content.ReadFromJsonAsync<LeaderResponse>())!.NodeId);
    }

    [Theory]
    [InlineData("/leader?index=41&wait=5m")] // the leader of index 41 may differ: answer now
    [InlineData("/leader?index=900&wait=5m")] // ahead of this node's view: cannot compare, answer now
    public async Task An_index_that_cannot_be_held_on_answers_at_once(string url)
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient(); // the feed starts from the view at 42

        using var response = await http.GetAsync(new Uri(url, UriKind.Relative)).WaitAsync(Deadline);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/leader?wait=30s", "?index")]
    [InlineData("/leader?index=abc", "?index")]
    [InlineData("/leader?index=-1", "?index")]
    [InlineData("/leader?index=%2B5", "?index")]
    [InlineData("/leader?index=99999999999999999999", "?index")]
    [InlineData("/leader?index=42&index=43", "?index")]
    [InlineData("/leader?index=", "?index")]
    [InlineData("/leader?index=42&wait=forever", "?wait")]
    [InlineData("/leader?index=42&wait=11m", "?wait")]
    [InlineData("/leader?index=42&wait=0s", "?wait")]
    [InlineData("/leader?index=42&wait=5s&wait=6s", "?wait")]
    public async Task A_long_poll_it_cannot_make_sense_of_is_a_400_problem_that_names_the_parameter(string url, string parameter)
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
        Assert.Contains(parameter, problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_real_nodes_a_long_poll_on_the_follower_returns_when_the_leader_leaves()
    {
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("long-poll"), 2, TimeSpan.FromSeconds(4));
        var leader = (await nodes.AgreedLeaderAsync(Deadline)).NodeId;
        var follower = nodes.All.Single(n => n.NodeId != leader);
        using var first = await follower.Http.GetAsync(new Uri("/leader", UriKind.Relative));
        var index = first.Headers.GetValues("X-Cluster-Index").Single();
        var feed = follower.Services.GetRequiredService<ClusterEventFeed>();

        var held = follower.Http.GetAsync(new Uri($"/leader?index={index}&wait=60s", UriKind.Relative));
        await Eventually.UntilAsync(_ => Task.FromResult(feed.LongPollsWaiting == 1), Deadline, "the long-poll is held");
        await nodes.StopAsync(leader);
        using var response = await held.WaitAsync(Deadline);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(follower.NodeId, (await response.Content.ReadFromJsonAsync<LeaderResponse>())!.NodeId);
        Assert.True(long.Parse(response.Headers.GetValues("X-Cluster-Index").Single(), System.Globalization.CultureInfo.InvariantCulture) > long.Parse(index, System.Globalization.CultureInfo.InvariantCulture));
    }
}
