using MudBlazor.Services;

namespace ClusterDashboard.Components;

public static class DashboardUiExtensions
{
    /// <summary>The Blazor dashboard: interactive server components and MudBlazor.</summary>
    public static IServiceCollection AddDashboardUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<Cluster.FaultKeySession>();
        services.AddScoped<Cluster.ViewerClock>();
        return services;
    }

    /// <summary>The page at / and the static assets it loads (ours, MudBlazor's, Blazor's).</summary>
    public static WebApplication MapDashboardUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
