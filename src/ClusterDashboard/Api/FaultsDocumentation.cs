using System.Text.Json.Nodes;
using ClusterDashboard.Coordination.Faults;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ClusterDashboard.Api;

/// <summary>Marks an endpoint that takes the target's API key in <c>X-Api-Key</c>, for the OpenAPI document.</summary>
internal sealed class ApiKeyMetadata;

/// <summary>Marks an endpoint whose body is a <see cref="FaultRequest"/> in JSON, for the OpenAPI document only.</summary>
internal sealed class FaultOrderBodyMetadata;

/// <summary>
/// Writes into the OpenAPI document what the fault endpoints check by hand: the <c>X-Api-Key</c> header as a security
/// scheme (so Swagger UI offers to send it), the JSON body, and the names <c>kind</c> and <c>direction</c> take as enums (the body is
/// read as text so that a bad name gets a 400 that lists the good ones, which leaves the schema a plain string).
/// </summary>
internal sealed class FaultsDocumentation : IOperationFilter, ISchemaFilter
{
    public const string SchemeId = "ApiKey";

    public static OpenApiSecurityScheme Scheme { get; } = new()
    {
        Type = SecuritySchemeType.ApiKey,
        In = ParameterLocation.Header,
        Name = "X-Api-Key",
        Description = "The target node's Faults:ApiKey, when it has one. Checked by the target itself, in constant time.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ApiKeyMetadata>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] }];
        }

        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<FaultOrderBodyMetadata>().Any())
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = context.SchemaGenerator.GenerateSchema(typeof(FaultRequest), context.SchemaRepository) },
                },
            };
        }
    }

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(FaultRequest) || schema is not OpenApiSchema { Properties: { } properties })
        {
            return;
        }

        Enumerate(properties, "kind", FaultKinds.Names);
        Enumerate(properties, "direction", LinkDirections.Names);
    }

    private static void Enumerate(IDictionary<string, IOpenApiSchema> properties, string name, IEnumerable<string> values)
    {
        if (properties.TryGetValue(name, out var found) && found is OpenApiSchema property)
        {
            property.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        }
    }
}
