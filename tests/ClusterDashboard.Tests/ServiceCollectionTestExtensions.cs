using Microsoft.Extensions.DependencyInjection;

namespace ClusterDashboard.Tests;

internal static class ServiceCollectionTestExtensions
{
    public static void RemoveAll<T>(this IServiceCollection services, Func<ServiceDescriptor, bool> match)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(T) && match(d)).ToList())
        {
            services.Remove(descriptor);
        }
    }
}
