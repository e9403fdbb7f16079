using System.Net.ServerSentEvents;
using System.Text.Json;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterDashboard.Tests;

/// <summary>GET /leader/stream: a service hears of every leader change as it happens, and resumes where it left off.</summary>
public sealed class LeaderStreamTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private sealed class Stream(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> events) : IAsyncDisposable
    {
        public HttpResponseMessage Response => response;

        /// <summary>The next event that is not a keep-alive.</summary>
        public async Task<SseItem<string>> NextAsync()
        {
            do
            {
                Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Deadline), "the stream ended");
            }
            while (events.Current.EventType == "keepalive");

            return events.Current;
        }

        public async ValueTask DisposeAsync()
        {
            await events.DisposeAsync();
            response.Dispose();
        }
    }

    private static async Task<Stream> OpenAsync(HttpClient http, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/leader/stream", UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var parser = SseParser.Create(await response.Content.ReadAsStreamAsync());
        return new Stream(response, parser.EnumerateAsync().GetAsyncEnumerator());
    }

    private static string NodeOf(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement.GetProperty("nodeId").GetString()!;

    [Fact]
    public async Task A_stream_says_its_view_is_live_names_the_leader_and_resuming_from_its_id_sends_only_what_changed_since()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();

        await using (var stream = await OpenAsync(http))
        {
            Assert.Equal("live", (await stream.NextAsync()).EventType);
            var leader = await stream.NextAsync();
            Assert.Equal(("leader", "42", "node-2"), (leader.EventType, leader.EventId, NodeOf(leader)));
        }

        await using var resumed = await OpenAsync(http, lastEventId: "42");
        Assert.Equal("live", (await resumed.NextAsync()).EventType);
        fake.Publish(FakeCoordination.ThreeNodes() with { Leader = new LeaderInfo("node-1", "http://n1", 8, "n_0000000008", null), Zxid = 50 });
        var next = await resumed.NextAsync();
        Assert.Equal(("leader", "50", "node-1"), (next.EventType, next.EventId, NodeOf(next))); // not node-2 again
    }

    [Fact]
    public async Task Open_streams_are_not_counted_against_the_long_polls()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();
        var feed = app.Services.GetRequiredService<ClusterEventFeed>();
        await using var first = await OpenAsync(http);
        await using var second = await OpenAsync(http);
        foreach (var stream in new[] { first, second })
        {
            Assert.Equal("live", (await stream.NextAsync()).EventType);
            Assert.Equal("leader", (await stream.NextAsync()).EventType); // now waiting for the next change
        }

        var held = http.GetAsync(new Uri("/leader?index=42&wait=30s", UriKind.Relative));
        await Eventually.UntilAsync(_ => Task.FromResult(feed.LongPollsWaiting > 0), Deadline, "the long-poll is held");

        // Both wait on the same feed, but a long-poll's cap (and its metric) counts long-polls only.
        Assert.Equal((1, 2), (feed.LongPollsWaiting, feed.StreamsOpen));
        fake.Publish(FakeCoordination.ThreeNodes() with { Leader = new LeaderInfo("node-1", "http://n1", 8, "n_0000000008", null), Zxid = 50 });
        using var response = await held.WaitAsync(Deadline);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_stream_says_when_its_view_goes_stale_and_when_it_is_live_again()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();
        await using var stream = await OpenAsync(http);
        Assert.Equal("live", (await stream.NextAsync()).EventType);
        Assert.Equal("leader", (await stream.NextAsync()).EventType);

        fake.SetFreshness = new ViewFreshness(42, Loaded: true, Synced: false, TimeSpan.FromSeconds(4), Unsynced: TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3));
        var stale = await stream.NextAsync();
        fake.SetFreshness = null;
        var live = await stream.NextAsync();

        Assert.Equal("stale", stale.EventType);
        Assert.Contains("4000 ms ago", stale.Data, StringComparison.Ordinal);
        Assert.Equal("live", live.EventType);
    }

    [Fact]
    public async Task On_real_nodes_a_stream_delivers_a_failover_and_a_stream_resumed_from_before_it_hears_of_it()
    {
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("stream"), 2, TimeSpan.FromSeconds(4));
        var leader = (await nodes.AgreedLeaderAsync(Deadline)).NodeId;
        var follower = nodes.All.Single(n => n.NodeId != leader);
        await using var stream = await OpenAsync(follower.Http);
        Assert.Equal("live", (await stream.NextAsync()).EventType);
        var before = await stream.NextAsync();
        Assert.Equal(leader, NodeOf(before));

        await nodes.StopAsync(leader);
        var after = await stream.NextAsync();
        while (after.EventType == "noleader")
        {
            after = await stream.NextAsync();
        }

        Assert.Equal(("leader", follower.NodeId), (after.EventType, NodeOf(after)));
        Assert.True(long.Parse(after.EventId!, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(before.EventId!, System.Globalization.CultureInfo.InvariantCulture));
        await using var resumed = await OpenAsync(follower.Http, before.EventId);
        Assert.Equal("live", (await resumed.NextAsync()).EventType);
        Assert.Equal(follower.NodeId, NodeOf(await resumed.NextAsync()));
    }
}
