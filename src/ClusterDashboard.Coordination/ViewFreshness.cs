namespace ClusterDashboard.Coordination;

/// <summary>
/// How current a node's view of the cluster is, as the answers built from it report it.
/// </summary>
/// <param name="Zxid">The zxid of the view: the newest change it includes.</param>
/// <param name="Loaded">The view was read from ZooKeeper at least once.</param>
/// <param name="Synced">The view's session is connected and the view was loaded since it last (re)connected: it
/// follows every change as ZooKeeper makes it.</param>
/// <param name="LastContact">How long ago ZooKeeper last answered the view's session; null before it ever did.</param>
public sealed record ViewFreshness(long Zxid, bool Loaded, bool Synced, TimeSpan? LastContact)
{
    /// <summary>How long a view that lost its session still counts as live: a reconnect to another server, which
    /// reloads the view, takes about this long; past it, what the view says may be out of date.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    /// <summary>Whether answers may be built from this view: it is synced, or it heard from ZooKeeper within
    /// <see cref="Grace"/> (a reconnect under way), and it was loaded at least once.</summary>
    public bool Live => Loaded && (Synced || LastContact <= Grace);

    /// <summary>Why the view is not live, for a 503's detail; null when it is.</summary>
    public string? StaleReason => Live
        ? null
        : !Loaded || LastContact is null
            ? "this node has not loaded its view of the cluster from ZooKeeper yet"
            : $"this node's view of the cluster is not confirmed by ZooKeeper: its session was last answered {LastContact.Value.TotalMilliseconds:F0} ms ago";

    /// <summary>Before the first load.</summary>
    public static ViewFreshness None { get; } = new(0, false, false, null);
}
