using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Api;

/// <summary>
/// <c>GET /leader/stream</c>: one server-sent event per leader change, each with the <c>/leader</c> body and the view's
/// zxid as its id, so <c>Last-Event-ID</c> resumes where a client left off (nothing is sent again if the leader has not
/// changed since). The stream also says when this node's view stops being live, and when it is live again, and sends a
/// keep-alive while nothing happens, so idle connections are not cut by proxies.
/// </summary>
internal static class LeaderStream
{
    public const string LeaderEvent = "leader";
    public const string NoLeaderEvent = "noleader";
    public const string StaleEvent = "stale";
    public const string LiveEvent = "live";
    public const string KeepAliveEvent = "keepalive";

    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>How many streams a node holds open at once; more are refused (503) until some close.</summary>
    public const int MaxStreams = 4096;

    public sealed record StaleMessage(string Reason, long Index, long? LastContactMs);

    public sealed record IndexMessage(long Index);

    public static async IAsyncEnumerable<SseItem<object>> EventsAsync(
        ClusterEventFeed feed,
        IClusterObserver observer,
        TimeProvider time,
        long? lastEventId,
        [EnumeratorCancellation] CancellationToken requestAborted,
        CancellationToken stopping)
    {
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        var cancellationToken = ends.Token;
        // Counted from the stream's first step to its end: one refused or never started holds no place.
        using var held = feed.HoldStream();
        // Resuming: the client has the leader of the view at lastEventId; it hears of a change since, or nothing.
        var sent = lastEventId is { } resumed && resumed <= observer.Current.Zxid ? resumed : -1;
        bool? live = null;
        var quietSince = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Freshness as the feed last saw it, which is what the wait below wakes on.
            var freshness = feed.Freshness;
            var isLive = freshness.Live;
            if (isLive != live)
            {
                live = isLive;
                quietSince = time.GetTimestamp();
                yield return isLive
                    ? new SseItem<object>(new IndexMessage(freshness.Zxid), LiveEvent)
                    : new SseItem<object>(new StaleMessage(freshness.StaleReason!, freshness.Zxid, freshness.LastContact is { } c ? (long)c.TotalMilliseconds : null), StaleEvent);
            }

            if (feed.LeaderSince > sent && freshness.Loaded)
            {
                var view = observer.Current;
                sent = view.Zxid;
                quietSince = time.GetTimestamp();
                var id = view.Zxid.ToString(CultureInfo.InvariantCulture);
                yield return view.Leader.ToResponse() is { } leader
                    ? new SseItem<object>(leader, LeaderEvent) { EventId = id }
                    : new SseItem<object>(new IndexMessage(view.Zxid), NoLeaderEvent) { EventId = id };
            }

            if (time.GetElapsedTime(quietSince) >= KeepAlive)
            {
                quietSince = time.GetTimestamp();
                yield return new SseItem<object>(new IndexMessage(observer.Current.Zxid), KeepAliveEvent);
            }

            try
            {
                // Woken by a leader change or a change of liveness (the first load is one); else at the keep-alive.
                var quiet = KeepAlive - time.GetElapsedTime(quietSince);
                // Before the first load there is no leader yet to wait on a change of: only the load itself wakes it.
                var from = freshness.Loaded ? sent : Math.Max(sent, feed.LeaderSince);
                await feed.WaitForChangeAsync(from, isLive, quiet > TimeSpan.Zero ? quiet : TimeSpan.FromMilliseconds(1), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The client went, or the node is shutting down: the stream ends cleanly.
                yield break;
            }
        }
    }
}
