using System.Text.Json;
using ClusterDashboard.Cluster;
using ClusterDashboard.Configuration;
using ClusterDashboard.Coordination;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Api;

/// <summary>Fault injection on any node, from any node, and the history of what followed.</summary>
public static class FaultsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(string.Empty).WithTags("Faults");
        api.MapPost("/nodes/{nodeId}/faults", InjectAsync)
            .WithName("InjectFault")
            .WithSummary("Makes a node fail: {\"kind\": \"crash|partition|pause|leave|resign\", \"durationSeconds\": n}. 202 with the fault's id.")
            .Accepts<FaultRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/nodes/{nodeId}/faults", EndAsync)
            .WithName("EndFault")
            .WithSummary("Ends the node's running fault early.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/history", GetHistory)
            .WithName("GetHistory")
            .WithSummary("Faults and leader changes with their timings: injected, leader znode gone, elected, seen by each node.");
        return app;
    }

    internal static async Task<Results<Accepted<FaultAccepted>, ProblemHttpResult>> InjectAsync(
        string nodeId, HttpRequest request, IOptions<FaultsOptions> options, ClusterEventFeed feed, IFaultCommander commander, CancellationToken cancellationToken)
    {
        if (Guard(request, options.Value, feed, nodeId) is { } refused)
        {
            return refused;
        }

        FaultRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<FaultRequest>(request.Body, Json, cancellationToken);
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed body", $"The body is not valid JSON of the form {{\"kind\": \"crash\", \"durationSeconds\": 10}}: {e.Message}");
        }

        if (body?.Kind is null || !Enum.TryParse<FaultKind>(body.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(body.Kind, out _))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unknown fault kind", $"'kind' must be one of {string.Join(", ", Enum.GetNames<FaultKind>().Select(n => n.ToLowerInvariant()))}; it was '{body?.Kind}'.");
        }

        var max = options.Value.MaxDurationSeconds;
        var duration = body.DurationSeconds ?? (kind == FaultKind.Resign ? 0 : -1);
        if (kind != FaultKind.Resign && (duration < 1 || duration > max))
        {
            return Problem(StatusCodes.Status400BadRequest, "Duration out of range", $"'durationSeconds' must be between 1 and {max} for {kind.ToString().ToLowerInvariant()}; it was {body.DurationSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}.");
        }

        var id = await commander.OrderFaultAsync(nodeId, kind, duration, cancellationToken);
        return TypedResults.Accepted($"/history", new FaultAccepted(id, nodeId, kind.ToString().ToLowerInvariant(), duration));
    }

    internal static async Task<Results<Accepted, ProblemHttpResult>> EndAsync(
        string nodeId, HttpRequest request, IOptions<FaultsOptions> options, ClusterEventFeed feed, IFaultCommander commander, CancellationToken cancellationToken)
    {
        if (Guard(request, options.Value, feed, nodeId) is { } refused)
        {
            return refused;
        }

        await commander.OrderFaultAsync(nodeId, null, 0, cancellationToken);
        return TypedResults.Accepted((string?)null);
    }

    internal static Ok<ClusterHistory> GetHistory(IClusterObserver observer) => TypedResults.Ok(ClusterHistoryBuilder.Build(observer.Tree));

    private static ProblemHttpResult? Guard(HttpRequest request, FaultsOptions options, ClusterEventFeed feed, string nodeId)
    {
        if (!options.Enabled)
        {
            return Problem(StatusCodes.Status403Forbidden, "Fault injection is disabled", "This node does not accept fault injection: set Faults:Enabled=true to allow it.");
        }

        if (!string.IsNullOrEmpty(options.ApiKey) && request.Headers["X-Api-Key"] != options.ApiKey)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Missing or wrong API key", "Fault injection on this node needs the key configured in Faults:ApiKey, sent in the X-Api-Key header.");
        }

        if (feed.Snapshot.Members.All(m => m.NodeId != nodeId))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown node", $"No node '{nodeId}' is known in the cluster; GET /members lists them.");
        }

        return null;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
