using System.Globalization;
using System.Text;

namespace ClusterDashboard.ZooKeeper.Admin;

/// <summary>
/// ZooKeeper's four-letter admin commands (srvr, mntr, cons, ruok) for one server: a new connection (TCP, or TLS through a dialer), four ASCII
/// bytes, and the answer until the server closes. Only srvr is enabled by default in 3.8; the others need
/// 4lw.commands.whitelist.
/// </summary>
public static class FourLetterWords
{
    private const string NotServing = "This ZooKeeper instance is not currently serving requests";
    private const string NotWhitelisted = "is not executed because it is not in the whitelist";

    /// <summary>Sends <paramref name="word"/> over a new connection opened by <paramref name="dialer"/> (plain TCP unless
    /// given; <see cref="ZooKeeperDialers.Tls"/> for a secureClientPort, which answers these words inside TLS).</summary>
    public static async Task<string> SendAsync(string address, string word, TimeSpan timeout, ZooKeeperDialer? dialer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length != 4 || !word.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException($"'{word}' is not a four-letter word.", nameof(word));
        }

        var server = ConnectString.Parse(address).Servers[0];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await using var stream = await (dialer ?? ZooKeeperDialers.Tcp)(server, deadline.Token).ConfigureAwait(false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), deadline.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync(deadline.Token).ConfigureAwait(false);
        if (answer.Contains(NotWhitelisted, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The server {address} does not allow '{word}': add it to 4lw.commands.whitelist.");
        }

        return answer;
    }

    /// <summary>True when the server answers "imok" (it may still not be serving: use srvr for readiness).</summary>
    public static async Task<bool> RuokAsync(string address, TimeSpan timeout, ZooKeeperDialer? dialer = null, CancellationToken cancellationToken = default) =>
        (await SendAsync(address, "ruok", timeout, dialer, cancellationToken).ConfigureAwait(false)).Trim() == "imok";

    public static async Task<ServerStatus> SrvrAsync(string address, TimeSpan timeout, ZooKeeperDialer? dialer = null, CancellationToken cancellationToken = default) =>
        ParseSrvr(address, await SendAsync(address, "srvr", timeout, dialer, cancellationToken).ConfigureAwait(false));

    public static async Task<IReadOnlyDictionary<string, string>> MntrAsync(string address, TimeSpan timeout, ZooKeeperDialer? dialer = null, CancellationToken cancellationToken = default) =>
        ParseMntr(await SendAsync(address, "mntr", timeout, dialer, cancellationToken).ConfigureAwait(false));

    public static async Task<IReadOnlyList<ClientConnectionInfo>> ConsAsync(string address, TimeSpan timeout, ZooKeeperDialer? dialer = null, CancellationToken cancellationToken = default) =>
        ParseCons(await SendAsync(address, "cons", timeout, dialer, cancellationToken).ConfigureAwait(false));

    public static ServerStatus ParseSrvr(string address, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains(NotServing, StringComparison.Ordinal))
        {
            return new ServerStatus(address, ServerMode.NotServing, null, null, null, null, null, null, null);
        }

        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2, StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        var latency = fields.GetValueOrDefault("Latency min/avg/max")?.Split('/');
        return new ServerStatus(
            address,
            ParseMode(fields.GetValueOrDefault("Mode")),
            fields.GetValueOrDefault("Zookeeper version")?.Split(',')[0],
            fields.TryGetValue("Zxid", out var zxid) && zxid.StartsWith("0x", StringComparison.Ordinal)
                && long.TryParse(zxid.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var z) ? z : null,
            Int(fields.GetValueOrDefault("Connections")),
            Int(fields.GetValueOrDefault("Outstanding")),
            Long(fields.GetValueOrDefault("Node count")),
            latency is { Length: 3 } && double.TryParse(latency[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var avg) ? avg : null,
            latency is { Length: 3 } ? Long(latency[2]) : null);
    }

    public static IReadOnlyDictionary<string, string> ParseMntr(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                result[line[..tab]] = line[(tab + 1)..].Trim();
            }
        }

        return result;
    }

    public static IReadOnlyList<ClientConnectionInfo> ParseCons(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<ClientConnectionInfo>();
        foreach (var raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var open = raw.IndexOf('(', StringComparison.Ordinal);
            var close = raw.LastIndexOf(')');
            if (open < 0 || close < open)
            {
                continue;
            }

            var client = raw[..open];
            var bracket = client.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0)
            {
                client = client[..bracket];
            }

            var fields = raw[(open + 1)..close].Split(',')
                .Select(f => f.Split('=', 2))
                .Where(p => p.Length == 2)
                .GroupBy(p => p[0])
                .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
            result.Add(new ClientConnectionInfo(client, fields.GetValueOrDefault("sid"), Int(fields.GetValueOrDefault("to")), fields.GetValueOrDefault("lop"), fields));
        }

        return result;
    }

    private static ServerMode ParseMode(string? mode) => mode switch
    {
        "standalone" => ServerMode.Standalone,
        "leader" => ServerMode.Leader,
        "follower" => ServerMode.Follower,
        "observer" => ServerMode.Observer,
        "read-only" => ServerMode.ReadOnly,
        _ => ServerMode.Unknown,
    };

    private static int? Int(string? value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static long? Long(string? value) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
