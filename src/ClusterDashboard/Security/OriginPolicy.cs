using ClusterDashboard.Configuration;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Security;

/// <summary>
/// Which browser origins may talk to this node beyond reading: open the hub or the page's circuit (both WebSockets,
/// which browsers let any site open), or send a request that changes something. Allowed: the node's advertised URL,
/// Cluster:AllowedOrigins, and the address the node is being browsed at when that is a loopback name (a page of
/// another site can never carry such an Origin, whatever its DNS does). Requests without an Origin come from tools
/// and services, not from a page, and pass.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;

    public OriginPolicy(IOptions<ClusterOptions> options)
    {
        var cluster = options.Value;
        _allowed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { OriginOf(cluster.AdvertisedUrl) };
        foreach (var origin in cluster.AllowedOrigins)
        {
            _allowed.Add(OriginOf(origin));
        }
    }

    public bool Allows(HttpRequest request)
    {
        if (request.Headers.Origin is not [{ } origin])
        {
            return request.Headers.Origin.Count == 0;
        }

        if (_allowed.Contains(origin))
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.IsLoopback
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    private static string OriginOf(string url) => new Uri(url).GetLeftPart(UriPartial.Authority);
}

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
