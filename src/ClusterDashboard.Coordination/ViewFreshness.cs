namespace ClusterDashboard.Coordination;

/// <summary>
/// How current a node's view of the cluster is, as the answers built from it report it.
/// </summary>
/// <param name="Zxid">The zxid of the view: the newest change it includes.</param>
/// <param name="Loaded">The view was read from ZooKeeper at least once.</param>
/// <param name="Synced">The view's session is connected and the view was loaded since it last (re)connected: it
/// follows every change as ZooKeeper makes it.</param>
/// <param name="LastContact">How long ago ZooKeeper last answered the view's session; null before it ever did.</param>
/// <param name="Unsynced">How long ago the view stopped being synced; zero while it is, null before it ever was.</param>
/// <param name="ContactBound">How long a synced view may go without an answer, or trail what ZooKeeper has announced,
/// before it is in doubt: the session's ping interval plus <see cref="Grace"/>.</param>
/// <param name="Behind">How long the oldest change ZooKeeper announced has waited to be applied to the view; zero when
/// the view holds every change announced.</param>
/// <param name="Unapplied">How many announced changes wait to be applied.</param>
public sealed record ViewFreshness(long Zxid, bool Loaded, bool Synced, TimeSpan? LastContact, TimeSpan? Unsynced, TimeSpan ContactBound, TimeSpan Behind = default, int Unapplied = 0)
{
    /// <summary>How long a view that stopped being synced still counts as live: a reconnect to another server, which
    /// reloads the view, takes about this long; past it, what the view says may be out of date. The time counts from
    /// when the view stopped being synced, not from the last answer: a new connection is answered at once, long
    /// before its reload has caught the view up.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>Whether answers may be built from this view: loaded, and either synced and answered lately, or out of
    /// sync for less than <see cref="Grace"/> after being live up to then. A connection that went silent is noticed
    /// only when its read times out, well after its last answer: the view was in doubt before it was out of sync, and
    /// the grace must not make it live again (<c>LastContact - Unsynced</c> is how long it had gone unanswered when it
    /// went out of sync).
    /// <para>And not trailing: a view that has not applied a change ZooKeeper announced longer ago than the bound (a
    /// burst of writes it is still working through) would answer with what was true then.</para></summary>
    public bool Live => Loaded && Confirmed && Behind <= ContactBound;

    // Synced and answered lately, or out of sync for less than the grace after being so up to then.
    private bool Confirmed => Synced ? LastContact <= ContactBound : Unsynced <= Grace && LastContact - Unsynced <= ContactBound;

    /// <summary>Why the view is not live, for a 503's detail; null when it is.</summary>
    public string? StaleReason => Live
        ? null
        : !Loaded || LastContact is null
            ? "this node has not loaded its view of the cluster from ZooKeeper yet"
            : !Confirmed
            ? $"this node's view of the cluster is not confirmed by ZooKeeper: its session was last answered {LastContact.Value.TotalMilliseconds:F0} ms ago" +
              (Synced ? string.Empty : $", and the view has been out of sync for {Unsynced?.TotalMilliseconds ?? 0:F0} ms")
            : $"this node's view of the cluster is catching up: {Unapplied} change(s) ZooKeeper announced are not in it yet, the oldest for {Behind.TotalMilliseconds:F0} ms";

    /// <summary>Before the first load.</summary>
    public static ViewFreshness None { get; } = new(0, false, false, null, null, Grace);

    /// <summary>A synced view just answered, for tests and fakes.</summary>
    public static ViewFreshness SyncedAt(long zxid) => new(zxid, true, true, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(3));
}
