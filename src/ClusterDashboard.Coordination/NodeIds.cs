using System.Text.RegularExpressions;

namespace ClusterDashboard.Coordination;

/// <summary>Node ids become znode names and appear in logs and pages: letters, digits, '-' and '_', at most 64.</summary>
public static partial class NodeIds
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Pattern();
}

/// <summary>URLs read from ZooKeeper (a member's or candidate's) are shown as links and handed to other services only
/// when they are absolute http or https URLs.</summary>
public static class NodeUrls
{
    public static bool IsValid(string? url) =>
        url is { Length: <= 2048 } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
