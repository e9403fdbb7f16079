using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterDashboard.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>JSON in camelCase with enums as camelCase strings, errors as problem+json, and the OpenAPI document.</summary>
    public static IServiceCollection AddClusterApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new Coordination.Faults.FaultKindJsonConverter());
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new() { Title = "ClusterDashboard API", Version = "v1", Description = "Leader election on Apache ZooKeeper, live." });
            o.OperationFilter<ViewReadDocumentation>();
            o.AddSecurityDefinition(FaultsDocumentation.SchemeId, FaultsDocumentation.Scheme);
            o.OperationFilter<FaultsDocumentation>();
            o.SchemaFilter<FaultsDocumentation>();
        });
        return services;
    }
}
