namespace ClusterDashboard.Coordination;

/// <summary>This node's candidacy in the election.</summary>
public interface IElectionParticipant
{
    string NodeId { get; }

    LeadershipState State { get; }

    /// <summary>Whether a suspended connection already ends leadership (Standard) or only a lost session does.</summary>
    LeadershipPolicy Policy { get; }

    /// <summary>The fencing token while <see cref="State"/> is Leader, else null.</summary>
    long? Epoch { get; }

    /// <summary><see cref="State"/> and <see cref="Epoch"/> read together: what to use when both are wanted.</summary>
    LeadershipTerm Term { get; }

    /// <summary>The candidate znode of the current session, if any.</summary>
    string? Znode { get; }

    /// <summary>Raised on every transition, in order; handlers must not block.</summary>
    event Action<LeadershipChange>? LeadershipChanged;
}
