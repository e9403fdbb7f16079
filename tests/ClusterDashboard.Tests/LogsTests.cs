using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Tests;

/// <summary>
/// The log as an operator collects it: a real node process, the JSON console formatter chosen by configuration alone
/// (the environment variable the README gives), its stdout parsed line by line. A process, not a host in this one: the
/// console is the process's own, and only a process of its own shows what the app's configuration alone makes of it.
/// </summary>
public sealed partial class LogsTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // Field names the app's events once used for what now has one name each (ZnodePath, OwnerSessionId, NodeUrl, ...).
    private static readonly string[] RetiredNames = ["Path", "Znode", "Znodes", "Marker", "Candidate", "Owner", "Sessions", "Node"];

    [GeneratedRegex("^0x[0-9a-f]{16}$")]
    private static partial Regex Hex16();

    [Fact]
    public async Task A_node_told_to_log_json_writes_its_election_events_with_the_apps_field_names_and_never_its_credentials()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("logs");
        IReadOnlyList<string> output;
        IReadOnlyList<string> errors;
        await using (var node = NodeProcess.Start(
            new Dictionary<string, string>
            {
                ["Logging__Console__FormatterName"] = "json",
                ["ZooKeeper__ConnectString"] = connectString,
                ["ZooKeeper__Auth"] = TestCredentials.Auth,
                ["Cluster__NodeId"] = "node-1",
            },
            // Every level of every category, the framework's too: a credential that reached any log line would show.
            ["--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace"]))
        {
            await Eventually.UntilAsync(
                _ => Task.FromResult(node.HasExited || node.Output.Any(l => l.Contains("\"EventId\":2002", StringComparison.Ordinal) && l.Contains("\"LeadershipState\":\"Leader\"", StringComparison.Ordinal))),
                Deadline,
                "the node logs that it leads");
            Assert.False(node.HasExited, $"the node exited early:\n{string.Join('\n', node.Errors.Concat(node.Output.TakeLast(20)))}");

            // A request, for a line logged under its scope.
            using var http = new HttpClient { BaseAddress = new Uri(node.Url) };
            await Eventually.UntilAsync(
                async ct =>
                {
                    using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
                    return ready.StatusCode == HttpStatusCode.OK;
                },
                Deadline,
                "the node is ready");

            await node.StopAsync(TimeSpan.FromSeconds(30));
            output = node.Output;
            errors = node.Errors;
        }

        Assert.Empty(errors);
        var lines = output.Select(ParseLine).ToList();
        Assert.True(lines.Count > 50, $"the node logged at trace level ({lines.Count} lines)");

        // Joined: its candidate's full path, the participant session, the candidate's creation zxid. (The first: a lost
        // connection would make the node join again, and lead again, with the same fields.)
        var joined = State(First(lines, l => EventId(l) == 2001, "joined the election"));
        Assert.Equal("node-1", Text(joined, "NodeId"));
        var session = Text(joined, "SessionId");
        Assert.Matches(Hex16(), session);
        var candidate = Text(joined, "ZnodePath");
        Assert.StartsWith("/election/_c_", candidate, StringComparison.Ordinal);
        Assert.Matches(Hex16(), Text(joined, "Zxid"));

        // Leader: the same node, session and candidate; its epoch is that candidate's creation zxid, in hex as Zxid.
        var leader = State(First(lines, l => EventId(l) == 2002 && Text(State(l), "LeadershipState") == "Leader", "is now Leader"));
        Assert.Equal("node-1", Text(leader, "NodeId"));
        Assert.Equal(session, Text(leader, "SessionId"));
        Assert.Equal(candidate, Text(leader, "ZnodePath"));
        var epoch = leader.GetProperty("Epoch").GetInt64();
        Assert.Equal(LogHex.Of(epoch), Text(leader, "Zxid"));
        Assert.Equal(Text(joined, "Zxid"), Text(leader, "Zxid"));

        // The client's own events carry the same session id, and the server.
        Assert.Contains(lines, l => EventId(l) == 1002 && Text(State(l), "SessionId") == session && Text(State(l), "Server") == zookeeper.Cluster.Servers[0].Address);

        // The whole log was read: the last words of a graceful stop are there.
        Assert.Contains(lines, l => EventId(l) == 8002 && Text(State(l), "NodeId") == "node-1");
        Assert.Contains(lines, l => EventId(l) == 1004 && Text(State(l), "SessionId") == session && Text(State(l), "ConnectionState") == "Closed");

        // Scopes are on by default for JSON: a request's lines name it.
        Assert.Contains(lines, l => l.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out var path) && path.GetString() == "/readyz"));

        // Every event of the app's own, not only the two above: one name per thing, ids and zxids in one form.
        foreach (var state in lines.Where(l => l.GetProperty("Category").GetString()!.StartsWith("ClusterDashboard.", StringComparison.Ordinal)).Select(State))
        {
            var names = state.EnumerateObject().Select(p => p.Name).ToList();
            Assert.DoesNotContain(names, RetiredNames.Contains);
            foreach (var hex in new[] { "SessionId", "OwnerSessionId", "Zxid" })
            {
                if (state.TryGetProperty(hex, out var value) && value.ValueKind != JsonValueKind.Null)
                {
                    Assert.Matches(Hex16(), value.GetString());
                }
            }
        }

        // The node authenticated with these credentials; not a line of its output says them, nor their digest.
        var everything = string.Join('\n', output.Concat(errors));
        foreach (var secret in new[] { TestCredentials.Password, ZooKeeperId.Digest(TestCredentials.User, TestCredentials.Password).Id.Split(':')[1] })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    private static JsonElement ParseLine(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Not a JSON line: {line}", e);
        }
    }

    private static JsonElement First(List<JsonElement> lines, Func<JsonElement, bool> match, string what)
    {
        Assert.True(lines.Any(match), $"a line says the node {what}");
        return lines.First(match);
    }

    private static int EventId(JsonElement line) => line.GetProperty("EventId").GetInt32();

    private static JsonElement State(JsonElement line) => line.GetProperty("State");

    private static string? Text(JsonElement state, string name) =>
        state.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
