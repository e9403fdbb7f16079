using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ClusterDashboard.Tests;

/// <summary>Requests a client gets wrong at the HTTP level, on the real Kestrel: each answered as problem+json with a
/// 4xx, never a 500 or a bare status. No ZooKeeper needed.</summary>
public sealed class HttpEdgeTests
{
    private static async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> SendAsync(Uri url, HttpRequestMessage request)
    {
        using var http = new HttpClient { BaseAddress = url };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_url_too_long_is_a_414_problem()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        var url = app.StartKestrel();

        var (status, type, body) = await SendAsync(url, new HttpRequestMessage(HttpMethod.Get, new Uri("/leader?pad=" + new string('x', 12_000), UriKind.Relative)));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(414, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Headers_too_large_are_a_431_problem()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        var url = app.StartKestrel();
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/leader", UriKind.Relative));
        request.Headers.Add("X-Pad", new string('x', 40_000));

        var (status, type, _) = await SendAsync(url, request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, status);
        Assert.Equal("application/problem+json", type);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    [InlineData("GET /leader HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n", 400)]
    [InlineData("GET /leader HTTP/7.0\r\nHost: x\r\n\r\n", 505)]
    [InlineData("LONG-LINE", 414)]
    [InlineData("HUGE-HEADERS", 431)]
    public async Task What_kestrel_refuses_before_the_app_sees_it_is_a_problem_too(string request, int status)
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        var url = app.StartKestrel();
        var bytes = request switch
        {
            "LONG-LINE" => $"GET /leader?pad={new string('x', 40_000)} HTTP/1.1\r\nHost: x\r\n\r\n",
            "HUGE-HEADERS" => $"GET /leader HTTP/1.1\r\nHost: x\r\nX-Pad: {new string('x', 70_000)}\r\n\r\n",
            _ => request,
        };

        var (statusLine, head, body) = await RawAsync(url, bytes);

        Assert.StartsWith($"HTTP/1.1 {status}", statusLine, StringComparison.Ordinal);
        Assert.Contains(head, h => h.Equals("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
    }

    private static async Task<(string? StatusLine, List<string> Head, string Body)> RawAsync(Uri url, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();
        var head = new List<string>();
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            head.Add(line);
        }

        var length = head.Select(h => h.Split(':', 2)).Where(p => p[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new char[length];
        var read = 0;
        while (read < length && await reader.ReadAsync(body.AsMemory(read)) is var n and > 0)
        {
            read += n;
        }

        return (statusLine, head, new string(body, 0, read));
    }

    [Fact]
    public async Task A_broken_chunked_body_is_a_400_problem_not_a_500()
    {
        var fake = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(fake);
        var url = app.StartKestrel();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        var stream = tcp.GetStream();

        // A chunk size that is not hex: Kestrel finds out only while the endpoint reads the body.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /nodes/node-2/faults HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync();
        var head = new List<string>();
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            head.Add(line);
        }

        Assert.StartsWith("HTTP/1.1 400", statusLine, StringComparison.Ordinal);
        Assert.Contains(head, h => h.Equals("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(fake.Orders);
    }
}
