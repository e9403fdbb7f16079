namespace ClusterDashboard.Coordination;

/// <summary>The ways a node can be made to fail, each acting on its participant session only.</summary>
public enum FaultKind
{
    /// <summary>Stops pinging and drops its socket without closing the session, as a dying process does; comes back
    /// after the duration with a new session, at the back of the queue.</summary>
    Crash,

    /// <summary>Its connection is cut and reconnects refused for the duration.</summary>
    Partition,

    /// <summary>Frozen for the duration, as in a long stop-the-world pause: it neither reads nor answers.</summary>
    Pause,

    /// <summary>Closes its session (immediate failover) and rejoins after the duration.</summary>
    Leave,

    /// <summary>The leader gives up and queues again at the back.</summary>
    Resign,
}
