using System.Net;
using System.Text.Json;

namespace ClusterDashboard.Tests;

public sealed class ApiTests
{
    [Fact]
    public async Task Leader_answers_the_leader_with_its_epoch()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/leader", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("node-2", json.RootElement.GetProperty("nodeId").GetString());
        Assert.Equal("http://n2", json.RootElement.GetProperty("url").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("epoch").GetInt64());
        Assert.Equal("n_0000000007", json.RootElement.GetProperty("znode").GetString());
        Assert.Equal("2026-11-24T12:00:00+00:00", json.RootElement.GetProperty("since").GetString());
    }

    [Fact]
    public async Task Leader_without_a_leader_is_a_503_problem_saying_why()
    {
        await using var app = new FakeDashboard(new FakeCoordination());
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/leader", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("No leader", json.RootElement.GetProperty("title").GetString());
        Assert.Contains("election", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Election_lists_candidates_in_sequence_order_with_who_watches_whom()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/election", UriKind.Relative)));

        var candidates = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([7L, 8L, 9L], candidates.Select(c => c.GetProperty("sequence").GetInt64()));
        Assert.True(candidates[0].GetProperty("isLeader").GetBoolean());
        Assert.Equal(JsonValueKind.Null, candidates[0].GetProperty("watching").ValueKind);
        Assert.Equal("n_0000000007", candidates[1].GetProperty("watching").GetString());
        Assert.Equal("node-1", candidates[1].GetProperty("nodeId").GetString());
        Assert.Equal(JsonValueKind.Null, candidates[2].GetProperty("nodeId").ValueKind);
    }

    [Fact]
    public async Task Members_list_each_node_with_its_role()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/members", UriKind.Relative)));

        var members = json.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("nodeId").GetString()!);
        Assert.True(members["node-2"].GetProperty("isLeader").GetBoolean());
        Assert.Equal("leader", members["node-2"].GetProperty("state").GetString());
        Assert.Equal("follower", members["node-1"].GetProperty("state").GetString());
        Assert.Equal("http://n1", members["node-1"].GetProperty("url").GetString());
    }

    [Fact]
    public async Task Node_reports_this_nodes_own_state_as_a_word()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/node", UriKind.Relative)));

        Assert.Equal("follower", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("node-1", json.RootElement.GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task Swagger_documents_the_api()
    {
        await using var app = new FakeDashboard(new FakeCoordination());
        using var http = app.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));

        var paths = json.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/leader", "/members", "/election", "/node" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is documented");
        }

        var leader = paths.GetProperty("/leader").GetProperty("get");
        Assert.True(leader.GetProperty("responses").TryGetProperty("503", out _), "the 503 is documented");
        Assert.True(leader.GetProperty("responses").TryGetProperty("304", out _), "the 304 is documented");
        Assert.Equal(
            ["ETag", "X-Cluster-Index", "X-Cluster-LastContact", "X-Cluster-Stale"],
            leader.GetProperty("responses").GetProperty("200").GetProperty("headers").EnumerateObject().Select(h => h.Name).Order(StringComparer.Ordinal));
        Assert.True(leader.GetProperty("responses").GetProperty("503").GetProperty("headers").TryGetProperty("Retry-After", out _), "Retry-After is documented");
        var parameters = leader.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
        Assert.Equal(["If-None-Match", "consistent", "index", "stale", "wait"], parameters.Keys.Order(StringComparer.Ordinal));
        Assert.All(parameters.Values, p => Assert.False(string.IsNullOrEmpty(p.GetProperty("description").GetString())));
        var stream = paths.GetProperty("/leader/stream").GetProperty("get");
        Assert.Contains(stream.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Last-Event-ID");
        Assert.Equal(("integer", "int64"), (parameters["index"].GetProperty("schema").GetProperty("type").GetString(), parameters["index"].GetProperty("schema").GetProperty("format").GetString()));
    }

    [Fact]
    public async Task Swagger_documents_the_fault_orders_key_and_names()
    {
        await using var app = new FakeDashboard(new FakeCoordination());
        using var http = app.CreateClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));

        var components = json.RootElement.GetProperty("components");
        var scheme = components.GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        var faults = json.RootElement.GetProperty("paths").GetProperty("/nodes/{nodeId}/faults");
        foreach (var method in new[] { "post", "delete" })
        {
            var security = faults.GetProperty(method).GetProperty("security");
            Assert.True(Assert.Single(security.EnumerateArray()).TryGetProperty("ApiKey", out _), $"{method} takes the API key");
        }

        Assert.False(json.RootElement.GetProperty("paths").GetProperty("/leader").GetProperty("get").TryGetProperty("security", out _), "reads need no key");
        Assert.Equal(["400", "401", "403", "404", "409"], faults.GetProperty("delete").GetProperty("responses").EnumerateObject().Select(r => r.Name).Where(n => n.StartsWith('4')).Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/FaultRequest", faults.GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var request = components.GetProperty("schemas").GetProperty("FaultRequest").GetProperty("properties");
        Assert.Equal(Coordination.Faults.FaultKinds.Names, request.GetProperty("kind").GetProperty("enum").EnumerateArray().Select(v => v.GetString()!));
        Assert.Equal(["upstream", "downstream"], request.GetProperty("direction").GetProperty("enum").EnumerateArray().Select(v => v.GetString()!));
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await using var app = new FakeDashboard(new FakeCoordination());
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(Coordination.LeadershipState.Leader, HttpStatusCode.OK, "ready: leader")]
    [InlineData(Coordination.LeadershipState.Follower, HttpStatusCode.OK, "ready: follower")]
    [InlineData(Coordination.LeadershipState.Observer, HttpStatusCode.OK, "ready: observer")]
    [InlineData(Coordination.LeadershipState.Joining, HttpStatusCode.ServiceUnavailable, "it is joining, not in the election")]
    [InlineData(Coordination.LeadershipState.Suspended, HttpStatusCode.ServiceUnavailable, "it is suspended, not in the election")]
    [InlineData(Coordination.LeadershipState.Lost, HttpStatusCode.ServiceUnavailable, "it is lost, not in the election")]
    public async Task Readyz_answers_200_only_while_the_node_takes_part_and_healthz_answers_whatever_it_is(Coordination.LeadershipState state, HttpStatusCode ready, string reason)
    {
        await using var app = new FakeDashboard(new FakeCoordination { State = state });
        using var http = app.CreateClient();

        using var readiness = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var liveness = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(ready, readiness.StatusCode);
        Assert.Contains(reason, await readiness.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
        Assert.Equal("Healthy", await liveness.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_fails_while_the_view_is_not_synced_even_for_a_leader()
    {
        var coordination = new FakeCoordination
        {
            State = Coordination.LeadershipState.Leader,
            SetFreshness = new Coordination.ViewFreshness(7, Loaded: true, Synced: false, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(3)),
        };
        await using var app = new FakeDashboard(coordination);
        using var http = app.CreateClient();

        using var readiness = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using var liveness = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Contains("not confirmed by ZooKeeper", await readiness.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
    }
}
