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
            .WithSummary("The current leader, with its epoch (fencing token). 503 while no leader is known or this node's view is not live.");
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
            .WithSummary("Children of the election parent that are not candidates (not ephemeral, or not numbered by ZooKeeper), with why: they never lead.");
        api.MapGet("/node", GetNode)
            .WithName("GetNode")
            .WithSummary("This node and its own view of its role.");
        return app;
    }

    // The modes and headers every read of the view shares (ViewReads), for the OpenAPI document.
    private static RouteHandlerBuilder ViewRead(this RouteHandlerBuilder endpoint) => endpoint
        .Produces(StatusCodes.Status304NotModified)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithDescription(
            "Answered from this node's view of ZooKeeper, which every answer names: `X-Cluster-Index` and the ETag carry the view's zxid, " +
            "`X-Cluster-LastContact` how many milliseconds ago ZooKeeper last answered this node. By default only a live view answers; " +
            "otherwise 503 (problem+json with `index` and `lastContactMs`, and `Retry-After`). `?stale` answers from the last view anyway, " +
            "marked `X-Cluster-Stale: true`; `?consistent` first syncs with ZooKeeper and answers once the view holds everything committed " +
            "before the request (a round trip). `If-None-Match` with the current ETag answers 304.");

    internal static async Task<Results<Ok<LeaderResponse>, ProblemHttpResult, StatusCodeHttpResult>> GetLeader(HttpContext http, IClusterObserver observer, [FromQuery] string? stale, [FromQuery] string? consistent, CancellationToken cancellationToken)
    {
        var read = await ViewReads.ReadAsync(http, observer, stale, consistent, cancellationToken);
        return read switch
        {
            { Problem: { } problem } => problem,
            { NotModified: true } => TypedResults.StatusCode(StatusCodes.Status304NotModified),
            { View.Leader: { } leader } => TypedResults.Ok(leader.ToResponse()!),
            _ => TypedResults.Problem(
                title: "No leader",
                detail: "No leader is known: the election is in progress. Retry shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable),
        };
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
            { View: { } view } => TypedResults.Ok(body(view)),
            _ => TypedResults.StatusCode(StatusCodes.Status304NotModified),
        };
    }

    internal static Ok<NodeResponse> GetNode(IElectionParticipant participant, IOptions<ClusterOptions> options) =>
        TypedResults.Ok(new NodeResponse(participant.NodeId, options.Value.AdvertisedUrl, participant.State, participant.Epoch, participant.Znode, participant.Policy));
}
