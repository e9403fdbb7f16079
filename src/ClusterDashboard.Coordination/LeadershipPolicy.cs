namespace ClusterDashboard.Coordination;

/// <summary>When a leader whose connection dropped stops acting as leader (Curator's connection-state error
/// policies).</summary>
public enum LeadershipPolicy
{
    /// <summary>At once, on Suspended: the safe default. A leader never acts while it cannot know it still leads.</summary>
    Standard,

    /// <summary>Only when the session is lost: fewer failovers on flaky networks, at the price of a window (up to the
    /// session timeout) in which a partitioned old leader still acts while a new one may already lead.</summary>
    SessionOnly,
}
