using ClusterDashboard.ZooKeeper;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ClusterDashboard.Security;

public static class SecurityExtensions
{
    /// <summary>Errors as problem+json with the right status: a bad request body is the caller's 4xx (not 500), and a
    /// ZooKeeper outage met deep inside a request is a 503.</summary>
    public static WebApplicationBuilder AddRequestSafety(this WebApplicationBuilder builder)
    {
        // Every 503 (an outage: ZooKeeper out of reach) says when to try again, unless its endpoint said so already.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.HttpContext.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.HttpContext.Response.Headers.ContainsKey("Retry-After"))
            {
                context.HttpContext.Response.Headers.RetryAfter = "5";
            }
        });
        builder.Services.AddExceptionHandler(o => o.StatusCodeSelector = e => e switch
        {
            Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
            ZooKeeperException => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status500InternalServerError,
        });
        builder.Services.AddSingleton<OriginPolicy>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Room above RequestLimitsMiddleware's limits, so it, not Kestrel, answers (as problem+json).
            kestrel.Limits.MaxRequestLineSize = 4 * RequestLimitsMiddleware.MaxUrlBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * RequestLimitsMiddleware.MaxHeaderBytes;

            // Above those, and for what is not HTTP at all, Kestrel answers by itself: as problem+json too.
            kestrel.ConfigureEndpointDefaults(KestrelRejections.Use);
        });
        return builder;
    }

    public static WebApplication UseRequestSafety(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseMiddleware<OriginCheckMiddleware>();
        return app;
    }
}
