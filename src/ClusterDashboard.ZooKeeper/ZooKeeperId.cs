using System.Security.Cryptography;
using System.Text;

namespace ClusterDashboard.ZooKeeper;

/// <summary>An identity in an ACL: a scheme ("world", "digest", "ip", "auth") and an id in that scheme.</summary>
public sealed record ZooKeeperId(string Scheme, string Id)
{
    public static ZooKeeperId Anyone { get; } = new("world", "anyone");

    /// <summary>Expanded by the server to the identities the connection has authenticated as.</summary>
    public static ZooKeeperId Creator { get; } = new("auth", string.Empty);

    /// <summary>The identity a connection gets from digest auth with <paramref name="user"/> and
    /// <paramref name="password"/>: "user:" + Base64(SHA1("user:password")), as the server derives it. An ACL for it
    /// can be set without being that user.</summary>
    public static ZooKeeperId Digest(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
#pragma warning disable CA5350 // SHA-1 is what the server's DigestAuthenticationProvider uses; the id must match it.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));
#pragma warning restore CA5350
        return new ZooKeeperId("digest", $"{user}:{Convert.ToBase64String(hash)}");
    }
}
