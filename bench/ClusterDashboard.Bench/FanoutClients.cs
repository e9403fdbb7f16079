using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Bench;

/// <summary>
/// Many SSE and hub clients spread evenly over some servers, each listening for leader messages (an SSE "leader" event,
/// a hub "LeaderChanged"), and per round the moment each first received one that counts for that round.
/// </summary>
internal sealed class FanoutClients : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HubConnection> _hubs = [];
    private readonly List<Task> _streams = [];
    private readonly int _servers;
    private readonly int _each;
    private Func<string, bool>? _counts;
    private Dictionary<int, Receipt> _seen = [];
    private TaskCompletionSource<IReadOnlyList<Receipt>>? _done;

    private FanoutClients(int servers, int each) => (_servers, _each) = (servers, each);

    /// <summary>When client <paramref name="Client"/> (of server <paramref name="Server"/>) received the round's
    /// message, on the machine's wall clock.</summary>
    public readonly record struct Receipt(int Client, int Server, bool Sse, DateTimeOffset At);

    /// <summary>Opens <paramref name="each"/> SSE and <paramref name="each"/> hub clients, spread over
    /// <paramref name="servers"/>.</summary>
    public static async Task<FanoutClients> ConnectAsync(HttpClient http, IReadOnlyList<Uri> servers, string streamPath, string hubPath, int each)
    {
        var clients = new FanoutClients(servers.Count, each);
        for (var i = 0; i < each; i++)
        {
            var (client, server) = (i, i % servers.Count);
            clients._streams.Add(clients.StreamAsync(http, new Uri(servers[server], streamPath), client, server));
        }

        // Hubs in batches: a thousand negotiations at once would time out on two cores.
        foreach (var batch in Enumerable.Range(0, each).Chunk(50))
        {
            var started = batch.Select(async i =>
            {
                var (client, server) = (each + i, i % servers.Count);
                var hub = new HubConnectionBuilder().WithUrl(new Uri(servers[server], hubPath)).Build();
                hub.On<JsonElement>("LeaderChanged", leader =>
                {
                    if (leader.ValueKind == JsonValueKind.Object)
                    {
                        clients.Saw(client, server, sse: false, leader.GetProperty("znode").GetString()!);
                    }
                });
                await hub.StartAsync();
                return hub;
            });
            clients._hubs.AddRange(await Task.WhenAll(started));
        }

        return clients;
    }

    /// <summary>Starts a round: completes once every client received a message whose znode <paramref name="counts"/>.</summary>
    public Task<IReadOnlyList<Receipt>> Begin(Func<string, bool> counts)
    {
        lock (_lock)
        {
            _counts = counts;
            _seen = [];
            _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    private void Saw(int client, int server, bool sse, string znode)
    {
        var at = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            if (_counts is { } counts && counts(znode) && _seen.TryAdd(client, new Receipt(client, server, sse, at)) && _seen.Count == 2 * _each)
            {
                _counts = null;
                _done!.TrySetResult([.. _seen.Values]);
            }
        }
    }

    private async Task StreamAsync(HttpClient http, Uri url, int client, int server)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            await using var body = await response.Content.ReadAsStreamAsync(_stop.Token);
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                if (item.EventType == "leader")
                {
                    using var json = JsonDocument.Parse(item.Data);
                    Saw(client, server, sse: true, json.RootElement.GetProperty("znode").GetString()!);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // Closed at the end of the phase, or the server went.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_hubs.Select(h => h.DisposeAsync().AsTask()));
        await Task.WhenAll(_streams);
        _stop.Dispose();
    }
}
