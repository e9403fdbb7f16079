using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterDashboard.Hubs;

public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddClusterHub(this IServiceCollection services)
    {
        services.AddSignalR().AddJsonProtocol(o =>
        {
            o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.PayloadSerializerOptions.Converters.Add(new Coordination.Faults.FaultKindJsonConverter());
            o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        });
        services.AddHostedService<ClusterHubForwarder>();
        return services;
    }
}
