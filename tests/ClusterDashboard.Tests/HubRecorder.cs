using System.Collections.Concurrent;
using System.Text.Json;
using ClusterDashboard.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;

namespace ClusterDashboard.Tests;

/// <summary>A hub client on the in-memory test server that records every message it receives, as raw JSON, so tests
/// check the wire shape other clients see.</summary>
internal sealed class HubRecorder : IAsyncDisposable
{
    public static readonly string[] Methods = ["LeaderChanged", "MembersChanged", "ElectionChanged", "ZnodeChanged", "LocalStateChanged", "HeartbeatChanged"];

    private readonly ConcurrentQueue<(string Method, JsonElement Payload)> _received = new();

    private HubRecorder(HubConnection connection)
    {
        Connection = connection;
        connection.Closed += e =>
        {
            _closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        foreach (var method in Methods)
        {
            connection.On<JsonElement>(method, payload => _received.Enqueue((method, payload.Clone())));
        }
    }

    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HubConnection Connection { get; }

    /// <summary>Completes when the server ends the connection, with its error if any.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <param name="query">The hub URL's query, such as <c>topics=leader</c>.</param>
    public static async Task<HubRecorder> ConnectAsync(TestServer server, string? query = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/cluster" + (query is null ? string.Empty : "?" + query)), o =>
            {
                // The test server has no sockets; long polling goes through its in-memory handler.
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
            })
            .Build();
        var recorder = new HubRecorder(connection);
        await connection.StartAsync();
        // The hub handles a call only after OnConnectedAsync (which joins the topics' groups) is done: once this
        // answers, every later message reaches the client. A real client starts the same way.
        await connection.InvokeAsync<JsonElement>("GetSnapshot");
        return recorder;
    }

    public IReadOnlyList<JsonElement> All(string method) => _received.Where(m => m.Method == method).Select(m => m.Payload).ToList();

    public async Task<JsonElement> WaitForAsync(string method, Func<JsonElement, bool> match)
    {
        var found = await Eventually.UntilAsync(
            _ => Task.FromResult(All(method).Where(match).Select(p => (JsonElement?)p).FirstOrDefault()),
            p => p is not null,
            TimeSpan.FromSeconds(10),
            $"the hub sends a matching {method}");
        return found!.Value;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
