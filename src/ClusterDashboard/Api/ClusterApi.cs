using ClusterDashboard.Cluster;
using ClusterDashboard.Configuration;
using ClusterDashboard.Coordination;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Api;

/// <summary>The REST API other services call: who leads, who is a member, the election queue.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(string.Empty).WithTags("Cluster");

        api.MapGet("/leader", GetLeader)
            .WithName("GetLeader")
            .ViewRead()
            .WithSummary("The current leader, with its epoch (fencing token). 503 while no leader is known or this node's view is not live. With ?index=N (an X-Cluster-Index) and ?wait=30s, a long-poll: answers once the leader differs from the one at index N, or when the wait (default 5m, at most 10m, plus up to a sixteenth) is over; an index ahead of this node's view answers at once.");
        api.MapGet("/leader/stream", GetLeaderStream)
            .WithName("GetLeaderStream")
            .WithMetadata(new LeaderStreamMetadata())
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Server-sent events: `leader` (the /leader body; id = the view's zxid) or `noleader` on every leader change, `stale` and `live` when this node's view stops or starts being live, `keepalive` every 15 s. Last-Event-ID resumes: nothing is sent again unless the leader changed since.");
        api.MapGet("/members", GetMembers)
            .WithName("GetMembers")
            .ViewRead()
            .WithSummary("The registered nodes and their roles.");
        api.MapGet("/election", GetElection)
            .WithName("GetElection")
            .ViewRead()
            .WithSummary("The election candidates in sequence order, with the predecessor each one watches.");
        api.MapGet("/election/foreign", GetForeign)
            .WithName("GetForeignZnodes")
            .ViewRead()
            .WithSummary("Children of the election parent that are not candidates (not ephemeral, or with no sequence number in their name), with why: they never lead.");
        api.MapGet("/node", GetNode)
            .WithName("GetNode")
            .WithSummary("This node and its own view of its role.");
        return app;
    }

    // The modes and headers every read of the view shares (ViewReads), for the OpenAPI document.
    private static RouteHandlerBuilder ViewRead(this RouteHandlerBuilder endpoint) => endpoint
        .WithMetadata(new ViewReadMetadata())
        .Produces(StatusCodes.Status304NotModified)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithDescription(
            "Answered from this node's view of ZooKeeper, which every answer names: `X-Cluster-Index` and the ETag carry the view's zxid, " +
            "`X-Cluster-LastContact` how many milliseconds ago ZooKeeper last answered this node. By default only a live view answers; " +
            "otherwise 503 (problem+json with `index` and `lastContactMs`, and `Retry-After`). `?stale` answers from the last view anyway, " +
            "marked `X-Cluster-Stale: true`; `?consistent` first syncs with ZooKeeper and answers once the view holds everything committed " +
            "before the request (a round trip). `If-None-Match` with the current ETag answers 304.");

    internal static async Task<Results<Ok<LeaderResponse>, ProblemHttpResult, StatusCodeHttpResult>> GetLeader(
        HttpContext http,
        IClusterObserver observer,
        ClusterEventFeed feed,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        [FromQuery] string? stale,
        [FromQuery] string? consistent,
        [FromQuery] string? index,
        [FromQuery] string? wait,
        CancellationToken cancellationToken)
    {
        // A bad mode is a 400 now, not after a long-poll's wait.
        if (ViewReads.Modes(stale, consistent).Problem is { } badMode)
        {
            return badMode;
        }

        if (index is not null || wait is not null)
        {
            // A long-poll: held until the leader differs from the one at that index, or the wait is over.
            var poll = LongPoll.Parse(index, wait);
            if (poll.Problem is { } bad)
            {
                return bad;
            }

            // Counted first, then checked: of many arriving together, no more than the cap are held.
            using var counted = feed.HoldLongPoll();
            if (feed.LongPollsWaiting > LongPoll.MaxHeld)
            {
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(title: "Too many long-polls", detail: $"This node holds {LongPoll.MaxHeld} long-polls already. Retry later, or ask another node.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            // A shutdown ends the wait: the poll answers with the leader as it is, and the node need not wait for it.
            using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            try
            {
                // A view this node cannot vouch for is not worth waiting on: the answer below says so now. One that goes
                // stale while held returns then, answering 503, so the caller can ask another node.
                feed.LookNow();
                var live = feed.Live;
                if (live || ViewReads.Modes(stale, consistent).Stale)
                {
                    await feed.WaitForChangeAsync(poll.Index!.Value, live, poll.Wait, time, held.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        var read = await ViewReads.ReadAsync(http, observer, stale, consistent, cancellationToken);
        return read switch
        {
            { Problem: { } problem } => problem,
            { NotModified: true, View.Leader: not null } => TypedResults.StatusCode(StatusCodes.Status304NotModified),
            { View.Leader: { } leader } => TypedResults.Ok(leader.ToResponse()!),
            _ => TypedResults.Problem(
                title: "No leader",
                detail: "No leader is known: the election is in progress. Retry shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    internal static Results<ServerSentEventsResult<object>, ProblemHttpResult> GetLeaderStream(
        HttpContext http,
        IClusterObserver observer,
        ClusterEventFeed feed,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        // A Last-Event-ID that is not a number is a client's own business: it starts afresh.
        var resume = long.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
        if (feed.StreamsOpen >= LeaderStream.MaxStreams)
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(title: "Too many streams", detail: $"This node holds {LeaderStream.MaxStreams} leader streams already. Retry later, or ask another node.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        http.Response.Headers.CacheControl = "no-store";
        // A stream ends when its client goes or the node shuts down, which does not wait for it.
        return TypedResults.ServerSentEvents(LeaderStream.EventsAsync(feed, observer, time, resume, cancellationToken, lifetime.ApplicationStopping));
    }

    internal static Task<Results<Ok<IReadOnlyList<MemberResponse>>, ProblemHttpResult, StatusCodeHttpResult>> GetMembers(HttpContext http, IClusterObserver observer, [FromQuery] string? stale, [FromQuery] string? consistent, CancellationToken cancellationToken) =>
        AnswerAsync(http, observer, stale, consistent, v => v.ToMembers(), cancellationToken);

    internal static Task<Results<Ok<IReadOnlyList<CandidateResponse>>, ProblemHttpResult, StatusCodeHttpResult>> GetElection(HttpContext http, IClusterObserver observer, [FromQuery] string? stale, [FromQuery] string? consistent, CancellationToken cancellationToken) =>
        AnswerAsync(http, observer, stale, consistent, v => v.ToCandidates(), cancellationToken);

    internal static Task<Results<Ok<IReadOnlyList<ForeignZnodeResponse>>, ProblemHttpResult, StatusCodeHttpResult>> GetForeign(HttpContext http, IClusterObserver observer, [FromQuery] string? stale, [FromQuery] string? consistent, CancellationToken cancellationToken) =>
        AnswerAsync(http, observer, stale, consistent, v => v.ToForeign(), cancellationToken);

    private static async Task<Results<Ok<T>, ProblemHttpResult, StatusCodeHttpResult>> AnswerAsync<T>(HttpContext http, IClusterObserver observer, string? stale, string? consistent, Func<ClusterSnapshot, T> body, CancellationToken cancellationToken)
    {
        var read = await ViewReads.ReadAsync(http, observer, stale, consistent, cancellationToken);
        return read switch
        {
            { Problem: { } problem } => problem,
            { NotModified: true } => TypedResults.StatusCode(StatusCodes.Status304NotModified),
            { View: { } view } => TypedResults.Ok(body(view)),
            _ => throw new InvalidOperationException("a read with neither a view nor a problem"),
        };
    }

    internal static Ok<NodeResponse> GetNode(IElectionParticipant participant, IOptions<ClusterOptions> options)
    {
        var (state, epoch) = participant.Term;
        return TypedResults.Ok(new NodeResponse(participant.NodeId, options.Value.AdvertisedUrl, state, epoch, participant.Znode, participant.Policy));
    }
}
