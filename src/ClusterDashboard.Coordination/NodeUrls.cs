namespace ClusterDashboard.Coordination;

/// <summary>URLs read from ZooKeeper (a member's or candidate's) are shown as links and handed to other services only
/// when they are absolute http or https URLs.</summary>
public static class NodeUrls
{
    public static bool IsValid(string? url) =>
        url is { Length: <= 2048 } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
