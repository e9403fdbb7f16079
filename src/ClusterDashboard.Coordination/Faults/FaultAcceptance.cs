namespace ClusterDashboard.Coordination.Faults;

/// <summary>What a node publishes of its <see cref="FaultPolicy"/> (never the key).</summary>
public sealed record FaultAcceptance(bool Accepts, bool RequiresKey, int MaxDurationSeconds);
