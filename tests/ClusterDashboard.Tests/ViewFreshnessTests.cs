using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Tests;

/// <summary>On a real ensemble: a node whose view ZooKeeper no longer vouches for says so instead of answering from it,
/// and a consistent read includes what another session changed a moment before.</summary>
public sealed class ViewFreshnessTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(4);

    // The observer's own client gives a silent server up at its read timeout (two thirds of the session); the view
    // is stale once the grace after that has passed too. Some slack on top for a busy machine.
    private static readonly TimeSpan StaleWithin = (Session * 2 / 3) + ViewFreshness.Grace + TimeSpan.FromSeconds(5);

    [Fact]
    public async Task With_every_zookeeper_server_stopped_each_node_answers_503_saying_why_stale_still_reads_and_resuming_brings_200_back()
    {
        // Seen before: all three servers stopped for 22 s and every node went on answering 200 naming the old leader.
        await using var ensemble = await ZooKeeperCluster.StartAsync(3);
        await using var nodes = new DashboardCluster(ensemble.ConnectString + TestPaths.Unique("stopped"), 2, Session);
        var leader = await nodes.AgreedLeaderAsync(TimeSpan.FromSeconds(30));
        foreach (var node in nodes.All)
        {
            await Eventually.UntilAsync(async ct => (await node.Http.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), $"{node.NodeId} is ready");
        }

        foreach (var server in ensemble.Servers)
        {
            await server.PauseAsync();
        }

        try
        {
            foreach (var node in nodes.All)
            {
                using var refused = await Eventually.UntilAsync(
                    ct => node.Http.GetAsync(new Uri("/leader", UriKind.Relative), ct),
                    r => r.StatusCode != HttpStatusCode.OK,
                    StaleWithin,
                    $"{node.NodeId} stops vouching for its view");
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                using var stale = await node.Http.GetAsync(new Uri("/leader?stale", UriKind.Relative));

                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Contains("not confirmed by ZooKeeper", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                Assert.True(problem.GetProperty("lastContactMs").GetInt64() > ViewFreshness.Grace.TotalMilliseconds);
                Assert.NotNull(refused.Headers.RetryAfter);
                Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
                Assert.Equal(["true"], stale.Headers.GetValues("X-Cluster-Stale"));
                Assert.Equal(leader.Znode, (await stale.Content.ReadFromJsonAsync<Api.LeaderResponse>())!.Znode);
                // Not ready (take it out of the load balancer), but alive (do not restart it).
                using var readiness = await node.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
                using var liveness = await node.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
                Assert.Contains("not ready", await readiness.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
            }
        }
        finally
        {
            foreach (var server in ensemble.Servers)
            {
                await server.ResumeAsync();
            }
        }

        foreach (var node in nodes.All)
        {
            using var live = await Eventually.UntilAsync(
                ct => node.Http.GetAsync(new Uri("/leader", UriKind.Relative), ct),
                r => r.StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30),
                $"{node.NodeId} answers from a live view again");
            Assert.False(live.Headers.Contains("X-Cluster-Stale"));
            await Eventually.UntilAsync(async ct => (await node.Http.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), $"{node.NodeId} is ready again");
        }
    }

    [Fact]
    public async Task A_consistent_read_includes_a_member_another_session_registered_a_moment_before()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("consistent");
        await using var node = new DashboardNode("node-1", connectString, Session).Start();
        await Eventually.UntilAsync(async ct => await node.Http.GetLeaderAsync(ct) is not null, TimeSpan.FromSeconds(30), "node-1 leads");
        await using var other = await ZooKeeperClient.ConnectAsync(TestCredentials.ClientOptions(connectString));

        // Each time, read at once after the create returns: the view has had no time to hear of it by itself.
        for (var i = 0; i < 20; i++)
        {
            var id = $"node-{100 + i}";
            var payload = new MemberPayload(id, $"http://127.0.0.1:{6000 + i}", DateTimeOffset.UtcNow, "1.0", NodeState.Follower);
            await other.CreateAsync($"/members/{id}", payload.ToBytes(), CreateMode.Ephemeral, [new Acl(Permissions.All, ZooKeeperId.Digest(TestCredentials.User, TestCredentials.Password)), new Acl(Permissions.Read, ZooKeeperId.Anyone)]);

            // A busy machine may keep the sync past its bound: that is a 503, asked again; any 200 must hold the member.
            HttpResponseMessage response;
            var attempts = 0;
            while ((response = await node.Http.GetAsync(new Uri("/members?consistent", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable && ++attempts < 5)
            {
                response.Dispose();
            }

            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var members = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Contains(members.EnumerateArray(), m => m.GetProperty("nodeId").GetString() == id);
            }
        }
    }
}
