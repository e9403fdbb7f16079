using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClusterDashboard.Cluster;

/// <summary>The body of <c>/readyz</c>: the status, then each check's reason, as plain text a person or a probe's log
/// can read (503 when not ready, as the health check middleware maps Unhealthy).</summary>
internal static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.Values.Select(e => e.Description).Where(d => !string.IsNullOrEmpty(d));
        return context.Response.WriteAsync($"{report.Status}\n{string.Join('\n', lines)}\n");
    }
}
