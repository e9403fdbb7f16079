using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using ClusterDashboard.Components;
using ClusterDashboard.Hubs;
using MudBlazor.Services;

// The settings file and static files sit next to the binaries (linked in from the repository's top level), so the
// content root is the app's own directory, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Serve the build's static web assets (MudBlazor's, ours) in any environment when run from the build output; a
// published app carries them itself and this does nothing.
builder.WebHost.UseStaticWebAssets();

builder.AddClusterNode();
builder.Services.AddClusterApi();
builder.Services.AddClusterHub();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSwagger();
app.UseSwaggerUI();
app.UseAntiforgery();

app.UseStaticFiles();
app.MapStaticAssets();
app.MapClusterApi();
app.MapHub<ClusterHub>("/hubs/cluster");
app.MapHealthChecks("/healthz");
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
