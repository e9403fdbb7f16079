using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Security;

/// <summary>
/// The ZooKeeper identity every session of a node authenticates as (the digest scheme: a user and a password). The
/// password stays inside: <see cref="ToString"/>, the parse errors and the logs never show it.
/// </summary>
public sealed class ClusterCredentials
{
    private readonly string _password;

    private ClusterCredentials(string user, string password)
    {
        User = user;
        _password = password;
        Identity = ZooKeeperId.Digest(user, password);
    }

    public string User { get; }

    /// <summary>The id the server gives a connection authenticated with these credentials; ACLs name it.</summary>
    public ZooKeeperId Identity { get; }

    /// <summary>"user:password", as the client's digest auth sends it.</summary>
    internal string DigestAuth => $"{User}:{_password}";

    /// <summary>Parses "digest:user:password" (the password may itself contain ':'). The error says what is wrong
    /// without repeating the value.</summary>
    public static bool TryParse(string? value, out ClusterCredentials? credentials, out string? error)
    {
        credentials = null;
        error = null;
        var parts = (value ?? string.Empty).Split(':', 3);
        if (parts.Length < 3 || !string.Equals(parts[0], "digest", StringComparison.OrdinalIgnoreCase))
        {
            error = "must have the form digest:user:password (digest is the only scheme supported)";
            return false;
        }

        if (parts[1].Length == 0 || parts[1].Any(char.IsWhiteSpace))
        {
            error = "needs a user name without whitespace: digest:user:password";
            return false;
        }

        if (parts[2].Length == 0)
        {
            error = "needs a password: digest:user:password";
            return false;
        }

        credentials = new ClusterCredentials(parts[1], parts[2]);
        return true;
    }

    public static ClusterCredentials Parse(string value) =>
        TryParse(value, out var credentials, out var error) ? credentials! : throw new FormatException($"ZooKeeper credentials {error}.");

    public override string ToString() => $"digest:{User}:***";
}
