using ClusterDashboard.Cluster;
using ClusterDashboard.Configuration;
using ClusterDashboard.Coordination;
using Microsoft.AspNetCore.Http.HttpResults;
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
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The current leader, with its epoch (fencing token). 503 while no leader is known.");
        api.MapGet("/members", GetMembers)
            .WithName("GetMembers")
            .WithSummary("The registered nodes and their roles.");
        api.MapGet("/election", GetElection)
            .WithName("GetElection")
            .WithSummary("The election candidates in sequence order, with the predecessor each one watches.");
        api.MapGet("/election/foreign", GetForeign)
            .WithName("GetForeignZnodes")
            .WithSummary("Children of the election parent that are not candidates (not ephemeral, or not numbered by ZooKeeper), with why: they never lead.");
        api.MapGet("/node", GetNode)
            .WithName("GetNode")
            .WithSummary("This node and its own view of its role.");
        return app;
    }

    internal static Results<Ok<LeaderResponse>, ProblemHttpResult> GetLeader(ClusterEventFeed feed) =>
        feed.Snapshot.Leader.ToResponse() is { } leader
            ? TypedResults.Ok(leader)
            : TypedResults.Problem(
                title: "No leader",
                detail: "No leader is known yet: the election is in progress or this node cannot reach ZooKeeper. Retry shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable);

    internal static Ok<IReadOnlyList<MemberResponse>> GetMembers(ClusterEventFeed feed) => TypedResults.Ok(feed.Snapshot.ToMembers());

    internal static Ok<IReadOnlyList<CandidateResponse>> GetElection(ClusterEventFeed feed) => TypedResults.Ok(feed.Snapshot.ToCandidates());

    internal static Ok<IReadOnlyList<ForeignZnodeResponse>> GetForeign(ClusterEventFeed feed) => TypedResults.Ok(feed.Snapshot.ToForeign());

    internal static Ok<NodeResponse> GetNode(IElectionParticipant participant, IOptions<ClusterOptions> options) =>
        TypedResults.Ok(new NodeResponse(participant.NodeId, options.Value.AdvertisedUrl, participant.State, participant.Epoch, participant.Znode, participant.Policy));
}
