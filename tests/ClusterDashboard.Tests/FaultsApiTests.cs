using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Tests;

/// <summary>What the fault API reads from a request and how it answers each verdict; the verdicts themselves (the
/// target's rules) are tested on real nodes in <see cref="FaultGateTests"/>. No ZooKeeper needed.</summary>
public sealed class FaultsApiTests
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(HttpResponseMessage Response, JsonElement Json)> PostAsync(FakeCoordination fake, string node, HttpContent content)
    {
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();
        var response = await http.PostAsync(new Uri($"/nodes/{node}/faults", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_valid_order_is_answered_202_with_the_targets_fault_id_and_passed_on_whole()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/nodes/node-2/faults", UriKind.Relative)) { Content = Body("""{"kind":"Crash","durationSeconds":15}""") };
        request.Headers.Add("X-Api-Key", "k3y-of-node-2");

        using var response = await http.SendAsync(request);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("f-0123", accepted.GetProperty("faultId").GetString());
        Assert.Equal("crash", accepted.GetProperty("kind").GetString());
        Assert.Equal([new FaultOrder("node-2", FaultKind.Crash, 15, "k3y-of-node-2")], fake.Orders);
    }

    [Fact]
    public async Task Resign_is_ordered_without_a_duration()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };

        var (response, json) = await PostAsync(fake, "node-2", Body("""{"kind":"resign"}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("durationSeconds").ValueKind);
        Assert.Equal([new FaultOrder("node-2", FaultKind.Resign, null)], fake.Orders);
    }

    [Theory]
    [InlineData("""{"kind":"meteor","durationSeconds":5}""", "must be exactly one of crash, partition, pause, leave, resign")]
    [InlineData("""{"kind":"partition,pause","durationSeconds":5}""", "must be exactly one of")]
    [InlineData("""{"kind":"crash,pause","durationSeconds":5}""", "must be exactly one of")]
    [InlineData("""{"kind":"1","durationSeconds":5}""", "must be exactly one of")]
    [InlineData("""{"kind":" crash","durationSeconds":5}""", "must be exactly one of")]
    [InlineData("""{"kind":"crash ","durationSeconds":5}""", "must be exactly one of")]
    [InlineData("""{"kind":3,"durationSeconds":5}""", "not a fault order")]
    [InlineData("""{"durationSeconds":5}""", "it was missing")]
    [InlineData("""{"kind":"crash","durationSeconds":"5"}""", "not a fault order")]
    [InlineData("""{"kind":"crash","durationSeconds":1.5}""", "not a fault order")]
    [InlineData("""{"kind":"crash","durationSeconds":2147483648}""", "not a fault order")]
    [InlineData("""{"kind":"crash","durationSeconds":5,"force":true}""", "not a fault order")]
    [InlineData("""{"kind":"crash",""", "not a fault order")]
    [InlineData("""{"kind":"crash","kind":"resign","durationSeconds":5}""", "not a fault order")]
    [InlineData("""{"KIND":"crash","DURATIONSECONDS":5}""", "not a fault order")]
    [InlineData("""[]""", "not a fault order")]
    [InlineData("""{"kind":"resign","durationSeconds":-5}""", "resign is over once done")]
    [InlineData("""{"kind":"resign","durationSeconds":10}""", "resign is over once done")]
    public async Task A_malformed_order_is_a_400_problem_saying_what_was_wrong_and_nothing_is_ordered(string json, string says)
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };

        var (response, problem) = await PostAsync(fake, "node-2", Body(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(fake.Orders);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/evil+json")]
    [InlineData("application/json; charset=utf-16")]
    public async Task A_body_that_is_not_sent_as_json_is_a_415_problem(string? contentType)
    {
        // A cross-site page can send a type-less or text body without a preflight; it must not order anything.
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"kind":"pause","durationSeconds":5}"""));
        if (contentType is not null)
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        var (response, problem) = await PostAsync(fake, "node-2", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal); // ours, not the framework's
        Assert.Empty(fake.Orders);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_a_413_problem_with_or_without_a_length(bool declaredLength)
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        var json = $$"""{"kind":"crash","durationSeconds":5,"pad":"{{new string('x', 64 * 1024)}}"}""";
        HttpContent content = declaredLength ? Body(json) : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (!declaredLength)
        {
            content.Headers.ContentLength = null;
        }

        var (response, _) = await PostAsync(fake, "node-2", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(fake.Orders);
    }

    [Theory]
    [InlineData(FaultRefusal.UnknownNode, HttpStatusCode.NotFound)]
    [InlineData(FaultRefusal.NotAccepted, HttpStatusCode.Forbidden)]
    [InlineData(FaultRefusal.WrongKey, HttpStatusCode.Unauthorized)]
    [InlineData(FaultRefusal.Invalid, HttpStatusCode.BadRequest)]
    [InlineData(FaultRefusal.NotLeader, HttpStatusCode.Conflict)]
    [InlineData(FaultRefusal.Stale, HttpStatusCode.Conflict)]
    [InlineData(FaultRefusal.Unavailable, HttpStatusCode.ServiceUnavailable)]
    [InlineData(FaultRefusal.Unanswered, HttpStatusCode.GatewayTimeout)]
    public async Task Each_refusal_has_its_own_status_and_the_reason_as_detail(FaultRefusal refusal, HttpStatusCode status)
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes(), Refuse = (refusal, "because of the test") };

        var (response, problem) = await PostAsync(fake, "node-2", Body("""{"kind":"crash","durationSeconds":5}"""));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("because of the test", problem.GetProperty("detail").GetString());
        Assert.Equal(refusal == FaultRefusal.Unavailable, response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Delete_orders_the_end_of_the_running_fault_with_the_key_given()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri("/nodes/node-2/faults", UriKind.Relative)) { Headers = { { "X-Api-Key", "s3cret-key" } } };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal([FaultOrder.Recover("node-2", "s3cret-key")], fake.Orders);
    }
}
