using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ClusterDashboard.Api;

/// <summary>Marks an endpoint answered from this node's view (<see cref="ViewReads"/>), for the OpenAPI document.</summary>
internal sealed class ViewReadMetadata;

/// <summary>Marks the leader stream, for the OpenAPI document.</summary>
internal sealed class LeaderStreamMetadata;

/// <summary>
/// Writes what <see cref="ViewReads"/>, <see cref="LongPoll"/> and <see cref="LeaderStream"/> do into the OpenAPI
/// document: the query modes, the request headers they read, and the headers every answer carries, so a client
/// generated from it knows them.
/// </summary>
internal sealed class ViewReadDocumentation : IOperationFilter
{
    private static readonly Dictionary<string, string> Queries = new(StringComparer.Ordinal)
    {
        ["stale"] = "Answer from the last view even if it is not live (marked `X-Cluster-Stale: true`). Bare or `true`/`1` is on, `false`/`0` off; anything else is a 400.",
        ["consistent"] = "Sync with ZooKeeper first and answer once the view holds everything committed before the request: one round trip, the strongest answer. Same values as `stale`; not together with it.",
        ["index"] = "Long-poll: the `X-Cluster-Index` of the answer this one follows on. Held until the leader differs from the one at that index; an index ahead of this node's view answers at once. An index is a resume point on the node that gave it: on another node, ask without one first.",
        ["wait"] = "Long-poll: how long to hold, e.g. `30s`, `500ms`, `5m` or plain seconds; default 5m, at most 10m, plus up to a sixteenth of jitter. Returns early, with 503, if this node's view goes stale.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<ViewReadMetadata>().Any())
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                if (parameter.Name is { } name && Queries.TryGetValue(name, out var description))
                {
                    parameter.Description = description;
                }

                // Bound as text so that a bad one gets a 400 that says why; what a client sends is a zxid.
                if (parameter.Name == "index")
                {
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" };
                }
            }

            AddHeaderParameter(operation, "If-None-Match", "The ETag of an earlier answer: 304 while the view is still that one.");
            Describe(operation, "200", ("X-Cluster-Index", "The zxid of the view the answer comes from (for the one round trip after a deletion is heard and before its zxid is read, one past the view before it: a lower bound).", JsonSchemaType.Integer),
                ("ETag", "The view's zxid, quoted.", JsonSchemaType.String),
                ("X-Cluster-LastContact", "Milliseconds since ZooKeeper last answered this node's view session.", JsonSchemaType.Integer),
                ("X-Cluster-Stale", "`true` when answered from a view that is not live (only with `?stale`).", JsonSchemaType.String));
            Describe(operation, "304", ("X-Cluster-Index", "The zxid of the current view.", JsonSchemaType.Integer), ("ETag", "The view's zxid, quoted.", JsonSchemaType.String));
            Describe(operation, "503", ("Retry-After", "Seconds to wait before asking again.", JsonSchemaType.Integer),
                ("X-Cluster-LastContact", "Milliseconds since ZooKeeper last answered this node's view session.", JsonSchemaType.Integer));
        }

        if (metadata.OfType<LeaderStreamMetadata>().Any())
        {
            AddHeaderParameter(operation, "Last-Event-ID", "The id of the last event received from this node: the stream sends a leader event only if the leader changed since.");
            Describe(operation, "503", ("Retry-After", "Seconds to wait before asking again.", JsonSchemaType.Integer));
        }
    }

    private static void AddHeaderParameter(OpenApiOperation operation, string name, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Header, Required = false, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
    }

    private static void Describe(OpenApiOperation operation, string status, params (string Name, string Description, JsonSchemaType Type)[] headers)
    {
        if (operation.Responses?.TryGetValue(status, out var found) != true || found is not OpenApiResponse response)
        {
            return;
        }

        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, description, type) in headers)
        {
            response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = type } };
        }
    }
}
