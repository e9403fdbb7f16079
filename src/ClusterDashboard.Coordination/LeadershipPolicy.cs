namespace ClusterDashboard.Coordination;

/// <summary>When a leader whose connection dropped stops acting as leader (Curator's connection-state error
/// policies). Under both, the <see cref="LeaderLease"/> ends leadership two thirds of a session timeout after
/// ZooKeeper last answered, before any successor can be elected.</summary>
public enum LeadershipPolicy
{
    /// <summary>At once, on Suspended: the safe default. A leader never acts while it cannot know it still leads.</summary>
    Standard,

    /// <summary>Not for a connection that drops and comes back within the lease (a server restart, a reset): fewer
    /// failovers on flaky networks. A silent partition still ends leadership when the lease runs out, so a
    /// partitioned old leader never acts alongside a new one.</summary>
    SessionOnly,
}
