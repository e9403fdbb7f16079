using System.Net;

namespace ClusterDashboard.ZooKeeper;

/// <summary>A parsed connect string: the servers and the optional chroot.</summary>
public sealed record ConnectString(IReadOnlyList<DnsEndPoint> Servers, string? Chroot)
{
    public const int DefaultPort = 2181;

    public static ConnectString Parse(string connectString)
    {
        if (string.IsNullOrWhiteSpace(connectString))
        {
            throw new ArgumentException("The connect string is empty; expected host:port[,host:port][/chroot].", nameof(connectString));
        }

        var slash = connectString.IndexOf('/', StringComparison.Ordinal);
        var hostPart = slash < 0 ? connectString : connectString[..slash];
        string? chroot = null;
        if (slash >= 0)
        {
            chroot = connectString[slash..];
            if (chroot == "/")
            {
                chroot = null;
            }
            else
            {
                ZooKeeperPath.Validate(chroot);
            }
        }

        var servers = new List<DnsEndPoint>();
        foreach (var raw in hostPart.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            servers.Add(ParseServer(raw, connectString));
        }

        if (servers.Count == 0)
        {
            throw new ArgumentException($"The connect string '{connectString}' names no server.", nameof(connectString));
        }

        return new ConnectString(servers, chroot);
    }

    private static DnsEndPoint ParseServer(string raw, string whole)
    {
        var host = raw;
        var port = DefaultPort;
        var colon = raw.LastIndexOf(':');
        // A bracketed IPv6 literal carries colons of its own: only a colon after ']' starts the port.
        if (colon > 0 && (raw[0] != '[' || raw.IndexOf(']', StringComparison.Ordinal) < colon))
        {
            host = raw[..colon];
            if (!int.TryParse(raw[(colon + 1)..], out port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"The server '{raw}' in connect string '{whole}' has an invalid port.", nameof(whole));
            }
        }

        host = host.Trim('[', ']');
        if (host.Length == 0)
        {
            throw new ArgumentException($"The server '{raw}' in connect string '{whole}' has no host.", nameof(whole));
        }

        return new DnsEndPoint(host, port);
    }
}
