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
