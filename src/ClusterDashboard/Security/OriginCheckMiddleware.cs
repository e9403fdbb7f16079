namespace ClusterDashboard.Security;

/// <summary>Refuses with 403 problem+json what <see cref="OriginPolicy"/> does not allow: the hub, the page's
/// circuit, and every request that is not a plain read.</summary>
internal sealed class OriginCheckMiddleware(RequestDelegate next, OriginPolicy policy, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var guarded = request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/_blazor")
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if (guarded && !policy.Allows(request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Origin not allowed",
                    Detail = $"A page from {request.Headers.Origin} may not use this node; its own pages and Cluster:AllowedOrigins may.",
                },
            });
            return;
        }

        await next(context);
    }
}
