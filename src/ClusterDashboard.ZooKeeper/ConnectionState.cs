namespace ClusterDashboard.ZooKeeper;

/// <summary>The client's session state, and what the application may assume in each.</summary>
public enum ConnectionState
{
    /// <summary>Looking for a server. Nothing is known about the session yet, or it is being resumed.</summary>
    Connecting,

    /// <summary>Connected with a live session: reads and writes go through, watches fire.</summary>
    Connected,

    /// <summary>Suspended: the connection is lost but the session may still be alive on the servers. Do not assume
    /// anything held through the session (leadership, locks) is still valid until Connected again.</summary>
    Disconnected,

    /// <summary>The session expired: its ephemerals are gone. This client is finished; create a new one.</summary>
    Expired,

    /// <summary>Closed by the application. Final.</summary>
    Closed,

    /// <summary>The server rejected the credentials. Final.</summary>
    AuthFailed,
}
