namespace ClusterDashboard.Coordination;

/// <summary>What a node believes of its own role, as it published it.</summary>
/// <param name="Epoch">The epoch it believes it leads with; null unless it believes it leads.</param>
/// <param name="At">When it published this belief.</param>
public sealed record NodeBelief(string NodeId, NodeState Believes, long? Epoch, DateTimeOffset At);
