using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using ClusterDashboard.Components;
using ClusterDashboard.Hubs;
using ClusterDashboard.Logging;
using ClusterDashboard.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// appsettings.json is linked in from the repository's top level and copied next to the binaries, so the content root
// is the app's own directory, wherever it is started from (dotnet run, a publish folder, a test).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Serve the build's static web assets (MudBlazor's, and ours from the repository's wwwroot) in any environment when
// run from the build output, not only in Development; a published app carries them itself and this does nothing.
builder.WebHost.UseStaticWebAssets();

builder.AddConsoleLogFormats();
builder.AddRequestSafety();
builder.AddClusterNode();
builder.Services.AddClusterApi();
builder.Services.AddClusterHub();
builder.Services.AddDashboardUi();

var app = builder.Build();

app.UseRequestSafety();
app.UseSwagger();
app.UseSwaggerUI();
app.UseAntiforgery();

app.MapClusterApi();
app.MapFaultsApi();
app.MapHub<ClusterHub>("/hubs/cluster");
// Liveness: the process serves requests (no check runs, ZooKeeper is never asked). Readiness: see ClusterReadinessCheck.
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions
{
    Predicate = check => check.Tags.Contains(ClusterReadinessCheck.Tag),
    ResponseWriter = ReadinessResponse.WriteAsync,
});
app.MapDashboardUi();
// Prometheus text at /metrics (OpenTelemetry); the node's instruments exist from the start, not from the first scrape.
app.MapPrometheusScrapingEndpoint("/metrics");
app.Services.GetRequiredService<ClusterMetrics>();

await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
