using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Bench;

/// <summary>
/// `fanout-server`: the baseline of the views benchmark's fan-out, run as its own process like a node. It broadcasts a
/// payload shaped like <c>GET /leader</c>'s to every SSE client (<c>/stream</c>) and every hub client (<c>/hub</c>) on
/// <c>POST /broadcast?round=N</c>, with nothing between the request and the send: no ZooKeeper, no view, no feed. The
/// answer is the moment it began sending, on the machine's wall clock, which the clients' receipt times are counted
/// from.
/// </summary>
internal static class BareFanoutServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<Broadcast>();
        await using var app = builder.Build();
        app.MapHub<BareHub>("/hub");
        app.MapGet("/stream", (Broadcast broadcast, CancellationToken cancellationToken) => TypedResults.ServerSentEvents(broadcast.StreamAsync(cancellationToken)));
        app.MapPost("/broadcast", async (int round, Broadcast broadcast, IHubContext<BareHub> hub) =>
        {
            var at = DateTimeOffset.UtcNow;
            var payload = new BarePayload($"node-{round % 3 + 1}", "http://127.0.0.1:5001", round, round, $"r-{round}", at);
            broadcast.Publish(payload);
            await hub.Clients.All.SendAsync("LeaderChanged", payload);
            return at.ToString("O", CultureInfo.InvariantCulture);
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>The same fields as a node's leader response, with the send time where its "since" is.</summary>
    internal sealed record BarePayload(string NodeId, string Url, long Epoch, long Sequence, string Znode, DateTimeOffset Since);

    internal sealed class BareHub : Hub;

    /// <summary>The latest payload and a signal that completes when the next one is published.</summary>
    internal sealed class Broadcast
    {
        private readonly Lock _lock = new();
        private (long Version, BarePayload? Payload, TaskCompletionSource Next) _state = (0, null, NewSignal());

        private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Publish(BarePayload payload)
        {
            TaskCompletionSource next;
            lock (_lock)
            {
                next = _state.Next;
                _state = (_state.Version + 1, payload, NewSignal());
            }

            next.TrySetResult();
        }

        public async IAsyncEnumerable<SseItem<BarePayload>> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var sent = 0L;
            while (!cancellationToken.IsCancellationRequested)
            {
                (long Version, BarePayload? Payload, TaskCompletionSource Next) state;
                lock (_lock)
                {
                    state = _state;
                }

                if (state.Version > sent && state.Payload is { } payload)
                {
                    sent = state.Version;
                    yield return new SseItem<BarePayload>(payload, "leader");
                }

                try
                {
                    await state.Next.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }
}
