using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.FaultLinks;
using ClusterDashboard.Coordination.Faults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClusterDashboard.Api;

/// <summary>Fault injection on any node, from any node, and the history of what followed. The endpoints only read the
/// request; what may be ordered is decided by <see cref="IFaultCommander"/>, the same path the page's buttons take,
/// and in the end by the target itself.</summary>
public static class FaultsApi
{
    /// <summary>A fault order is a few dozen bytes; anything much larger is not one.</summary>
    public const int MaxBodyBytes = 1024;

    private const string ApiKeyHeader = "X-Api-Key";

    // Exactly the documented shape: no other fields, no field twice, names as written, numbers as numbers.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        PropertyNameCaseInsensitive = false,
        AllowDuplicateProperties = false,
    };

    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(string.Empty).WithTags("Faults");
        api.MapPost("/nodes/{nodeId}/faults", InjectAsync)
            .WithName("InjectFault")
            .WithSummary("Makes a node fail: {\"kind\": \"crash|partition|pause|leave\", \"durationSeconds\": n}, {\"kind\": \"partition-oneway\", \"direction\": \"upstream|downstream\", \"durationSeconds\": n}, {\"kind\": \"latency\", \"latencyMs\": n, \"jitterMs\": n, \"durationSeconds\": n} or {\"kind\": \"resign\"}.")
            .WithDescription("202 once the target has carried the order out. The target decides: it refuses what its own Faults settings do not allow. With Faults:ApiKey set on the target, send that key in X-Api-Key.")
            // Documented, not routed on: an endpoint that Accepts a type answers any other with the framework's bare
            // 415 before the handler can say what it takes.
            .WithMetadata(new ApiKeyMetadata(), new FaultOrderBodyMetadata())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        api.MapDelete("/nodes/{nodeId}/faults", EndAsync)
            .WithName("EndFault")
            .WithSummary("Ends the node's running fault early.")
            .WithDescription("202 once the target has ended it (or had none running). With Faults:ApiKey set on the target, send that key in X-Api-Key.")
            .WithMetadata(new ApiKeyMetadata())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        api.MapGet("/history", GetHistory)
            .WithName("GetHistory")
            .WithSummary("Fault orders as their targets decided on them (refusals with the reason), and leader changes with their timings.");
        return app;
    }

    internal static async Task<Results<Accepted<FaultAccepted>, ProblemHttpResult>> InjectAsync(
        string nodeId, HttpRequest request, IFaultCommander commander, CancellationToken cancellationToken)
    {
        if (!IsPlainJson(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "A fault order is a JSON body sent with Content-Type: application/json (UTF-8).");
        }

        if (await ReadBodyAsync(request, cancellationToken) is not { } body)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A fault order is at most {MaxBodyBytes} bytes.");
        }

        FaultRequest? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<FaultRequest>(body, Json);
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed body", $"The body is not a fault order of the form {{\"kind\": \"crash\", \"durationSeconds\": 10}}: {e.Message}");
        }

        if (!FaultKinds.TryParse(parsed?.Kind, out var kind))
        {
            return Problem(StatusCodes.Status400BadRequest, "Unknown fault kind", $"'kind' must be exactly one of {string.Join(", ", FaultKinds.Names)}; it was {ProblemText.Quoted(parsed?.Kind)}.");
        }

        if (!kind.HasDuration() && parsed!.DurationSeconds is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, "No duration for resign", "resign is over once done: send {\"kind\": \"resign\"} without 'durationSeconds'.");
        }

        LinkDirection? direction = null;
        if (parsed!.Direction is { } text)
        {
            if (!LinkDirections.TryParse(text, out var d))
            {
                return Problem(StatusCodes.Status400BadRequest, "Unknown direction", $"'direction' must be exactly upstream or downstream; it was {ProblemText.Quoted(text)}.");
            }

            direction = d;
        }

        var parameters = new FaultParameters(direction, parsed.LatencyMs, parsed.JitterMs);
        if (parameters.Problem(kind) is { } problem)
        {
            return Problem(StatusCodes.Status400BadRequest, "Wrong parameters", problem);
        }

        return ToResult(await commander.OrderAsync(new FaultOrder(nodeId, kind, parsed.DurationSeconds, ApiKey(request), parameters == FaultParameters.None ? null : parameters), cancellationToken));
    }

    internal static async Task<Results<Accepted<FaultAccepted>, ProblemHttpResult>> EndAsync(
        string nodeId, HttpRequest request, IFaultCommander commander, CancellationToken cancellationToken) =>
        ToResult(await commander.OrderAsync(FaultOrder.Recover(nodeId, ApiKey(request)), cancellationToken));

    internal static Ok<ClusterHistory> GetHistory(ClusterEventFeed feed) => TypedResults.Ok(feed.History);

    // application/json itself, in UTF-8: not another type that ends in +json, not another charset.
    private static bool IsPlainJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type)
        && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (type.Charset.Length == 0 || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static string? ApiKey(HttpRequest request) => request.Headers[ApiKeyHeader] is [{ Length: > 0 } key] ? key : null;

    // At most MaxBodyBytes, or null when the body is longer: nothing more is read or kept.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        return read > MaxBodyBytes ? null : buffer[..read];
    }

    private static Results<Accepted<FaultAccepted>, ProblemHttpResult> ToResult(FaultVerdict verdict)
    {
        if (verdict.Accepted)
        {
            var order = verdict.Order;
            var with = order.With;
            return TypedResults.Accepted("/history", new FaultAccepted(verdict.FaultId!, order.NodeId, order.Kind?.Name() ?? "recover", order.DurationSeconds, with.Direction?.Name(), with.LatencyMs, with.JitterMs));
        }

        var (status, title) = verdict.Refusal switch
        {
            FaultRefusal.UnknownNode => (StatusCodes.Status404NotFound, "Unknown node"),
            FaultRefusal.NotAccepted => (StatusCodes.Status403Forbidden, "Fault injection not accepted"),
            FaultRefusal.WrongKey => (StatusCodes.Status401Unauthorized, "Missing or wrong API key"),
            FaultRefusal.Invalid => (StatusCodes.Status400BadRequest, "Order refused"),
            FaultRefusal.NotLeader => (StatusCodes.Status409Conflict, "Not the leader"),
            FaultRefusal.Stale => (StatusCodes.Status409Conflict, "Order dropped"),
            FaultRefusal.Unavailable => (StatusCodes.Status503ServiceUnavailable, "ZooKeeper unreachable"),
            _ => (StatusCodes.Status504GatewayTimeout, "No answer from the node"),
        };
        // An outage (503) gets Retry-After from the problem details writer, like every 503 of the app.
        return Problem(status, title, verdict.Reason!, verdict.FaultId);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, string? faultId = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: faultId is null ? null : new Dictionary<string, object?> { ["faultId"] = faultId });
}
