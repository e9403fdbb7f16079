namespace ClusterDashboard.ZooKeeper;

/// <summary>An identity in an ACL: a scheme ("world", "digest", "ip", "auth") and an id in that scheme.</summary>
public sealed record ZooKeeperId(string Scheme, string Id)
{
    public static ZooKeeperId Anyone { get; } = new("world", "anyone");

    /// <summary>Expanded by the server to the identities the connection has authenticated as.</summary>
    public static ZooKeeperId Creator { get; } = new("auth", string.Empty);
}
