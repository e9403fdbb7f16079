namespace ClusterDashboard.Coordination;

/// <summary>A child of the election parent that is not a candidate (<see cref="CandidateQueue"/>), and why.</summary>
public sealed record ForeignZnode(string Name, string Reason);
