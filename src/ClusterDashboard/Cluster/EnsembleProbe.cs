using System.Globalization;
using ClusterDashboard.Coordination;
using ClusterDashboard.ZooKeeper;
using ClusterDashboard.ZooKeeper.Admin;

namespace ClusterDashboard.Cluster;

/// <summary>How one server of the connect string answered its four-letter words.</summary>
public enum ServerReach
{
    /// <summary>It answered srvr (and mntr and cons, if allowed).</summary>
    Answered,

    /// <summary>Nothing listens, or nothing answered in time.</summary>
    Down,

    /// <summary>It listens but refuses the four-letter words (4lw.commands.whitelist).</summary>
    Refused,
}

/// <param name="Sessions">The sessions connected to it, with the node each belongs to where the cluster's znodes say
/// so (null for a session of no node of this cluster).</param>
public sealed record ServerView(
    string Address,
    ServerReach Reach,
    ServerStatus? Status,
    long? Watches,
    long? Znodes,
    IReadOnlyList<(string Session, string? Owner)> Sessions,
    string? Problem);

/// <summary>
/// Asks every server of the connect string what it is (srvr, mntr, cons) for the page's ensemble panel. Answers are
/// kept a couple of seconds, so any number of open pages cost the servers one round of questions per interval.
/// </summary>
public sealed class EnsembleProbe(ClusterNodeOptions node, IClusterObserver observer, TimeProvider time)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();

    // The words go the way the sessions do: to a TLS-only ensemble, inside TLS. Made once, with its certificate chain.
    private readonly ZooKeeperDialer _dialer = node.Dialer();
    private (long At, Task<IReadOnlyList<ServerView>> Views)? _last;

    public Task<IReadOnlyList<ServerView>> ReadAsync()
    {
        lock (_lock)
        {
            if (_last is { } last && time.GetElapsedTime(last.At) < Fresh)
            {
                return last.Views;
            }

            var views = AskAllAsync();
            _last = (time.GetTimestamp(), views);
            return views;
        }
    }

    private async Task<IReadOnlyList<ServerView>> AskAllAsync()
    {
        var servers = ConnectString.Parse(node.ConnectString).Servers;
        var owners = SessionOwners.Of(observer.Tree, node.MembersPath);
        return await Task.WhenAll(servers.Select(s => AskAsync($"{s.Host}:{s.Port.ToString(CultureInfo.InvariantCulture)}", _dialer, owners))).ConfigureAwait(false);
    }

    private static async Task<ServerView> AskAsync(string address, ZooKeeperDialer dialer, IReadOnlyDictionary<long, string> owners)
    {
        try
        {
            var status = await FourLetterWords.SrvrAsync(address, AskTimeout, dialer).ConfigureAwait(false);
            IReadOnlyDictionary<string, string>? mntr = null;
            IReadOnlyList<ClientConnectionInfo> cons = [];
            try
            {
                mntr = await FourLetterWords.MntrAsync(address, AskTimeout, dialer).ConfigureAwait(false);
                cons = await FourLetterWords.ConsAsync(address, AskTimeout, dialer).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // srvr allowed, the others not: show what srvr said.
            }

            var sessions = cons.Where(c => c.SessionIdHex is not null)
                .Select(c => (Session: c.SessionIdHex!, Owner: long.TryParse(c.SessionIdHex!.Replace("0x", string.Empty, StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var id) && owners.TryGetValue(id, out var who) ? who : null))
                .OrderBy(s => s.Owner is null).ThenBy(s => s.Owner, StringComparer.Ordinal)
                .ToList();
            return new ServerView(address, ServerReach.Answered, status, Number(mntr, "zk_watch_count"), Number(mntr, "zk_znode_count"), sessions, null);
        }
        catch (InvalidOperationException e)
        {
            return new ServerView(address, ServerReach.Refused, null, null, null, [], e.Message);
        }
        catch (Exception e)
        {
            // Nothing listens, nothing answered in time, or what answered is no ZooKeeper we can read: the panel
            // shows why, and asks again next time.
            return new ServerView(address, ServerReach.Down, null, null, null, [], e.Message);
        }
    }

    private static long? Number(IReadOnlyDictionary<string, string>? mntr, string key) =>
        mntr is not null && mntr.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
