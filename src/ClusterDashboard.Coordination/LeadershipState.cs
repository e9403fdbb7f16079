namespace ClusterDashboard.Coordination;

/// <summary>The local participant's view of its own role. Only <see cref="Leader"/> may act as leader.</summary>
public enum LeadershipState
{
    /// <summary>Not started, or between sessions: not a candidate.</summary>
    Idle,

    /// <summary>Connected and creating its candidate znode.</summary>
    Joining,

    /// <summary>A candidate behind another one; watches only its predecessor.</summary>
    Follower,

    /// <summary>The oldest candidate on a live connection: acts as leader.</summary>
    Leader,

    /// <summary>The connection is lost but the session may still be alive: must not act as leader.</summary>
    Suspended,

    /// <summary>The session expired: the candidate is gone; the participant rejoins with a new session.</summary>
    Lost,

    /// <summary>Left the election on purpose (shutdown).</summary>
    Left,

    /// <summary>Follows the election without being a candidate (observer mode): never leads.</summary>
    Observer,
}
