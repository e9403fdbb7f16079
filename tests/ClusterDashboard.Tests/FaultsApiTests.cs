using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Tests;

/// <summary>What the fault API accepts and refuses, and why; no ZooKeeper needed.</summary>
public sealed class FaultsApiTests
{
    private static FakeDashboard App(FakeCoordination fake, bool enabled = true, string? apiKey = null) => new(fake, new Dictionary<string, string?>
    {
        ["ZooKeeper:ConnectString"] = "127.0.0.1:1",
        ["Cluster:NodeId"] = "node-1",
        ["Cluster:AdvertisedUrl"] = "http://n1",
        ["Faults:Enabled"] = enabled ? "true" : "false",
        ["Faults:ApiKey"] = apiKey,
    });

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_valid_fault_is_accepted_with_its_id_and_ordered_for_the_target()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = App(fake);
        using var http = app.CreateClient();

        using var response = await http.PostAsync(new Uri("/nodes/node-2/faults", UriKind.Relative), Body("""{"kind":"Crash","durationSeconds":15}"""));
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("f-test", accepted.GetProperty("faultId").GetString());
        Assert.Equal([("node-2", (FaultKind?)FaultKind.Crash, 15)], fake.Orders);
    }

    [Theory]
    [InlineData("node-9", """{"kind":"crash","durationSeconds":5}""", HttpStatusCode.NotFound, "No node 'node-9'")]
    [InlineData("node-2", """{"kind":"meteor","durationSeconds":5}""", HttpStatusCode.BadRequest, "must be one of crash, partition, pause, leave, resign")]
    [InlineData("node-2", """{"kind":"crash","durationSeconds":0}""", HttpStatusCode.BadRequest, "between 1 and 600")]
    [InlineData("node-2", """{"kind":"crash","durationSeconds":601}""", HttpStatusCode.BadRequest, "between 1 and 600")]
    [InlineData("node-2", """{"kind":"crash"}""", HttpStatusCode.BadRequest, "missing")]
    [InlineData("node-2", """{"kind":"crash",""", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("node-2", """{"kind":"1","durationSeconds":5}""", HttpStatusCode.BadRequest, "must be one of")]
    public async Task A_bad_request_is_refused_with_a_problem_saying_what_was_wrong(string node, string json, HttpStatusCode status, string says)
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = App(fake);
        using var http = app.CreateClient();

        using var response = await http.PostAsync(new Uri($"/nodes/{node}/faults", UriKind.Relative), Body(json));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(fake.Orders);
    }

    [Fact]
    public async Task Fault_injection_is_off_unless_enabled()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = App(fake, enabled: false);
        using var http = app.CreateClient();

        using var response = await http.PostAsync(new Uri("/nodes/node-2/faults", UriKind.Relative), Body("""{"kind":"crash","durationSeconds":5}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Faults:Enabled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(fake.Orders);
    }

    [Fact]
    public async Task With_an_api_key_configured_requests_must_carry_it()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = App(fake, apiKey: "s3cret");
        using var http = app.CreateClient();

        using var without = await http.PostAsync(new Uri("/nodes/node-2/faults", UriKind.Relative), Body("""{"kind":"crash","durationSeconds":5}"""));
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri("/nodes/node-2/faults", UriKind.Relative)) { Headers = { { "X-Api-Key", "s3cret" } } };
        using var with = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("application/problem+json", without.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Accepted, with.StatusCode);
        Assert.Equal([("node-2", (FaultKind?)null, 0)], fake.Orders);
    }
}
