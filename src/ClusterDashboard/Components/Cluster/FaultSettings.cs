using ClusterDashboard.Coordination.FaultLinks;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Components.Cluster;

/// <summary>What the page's fault buttons order with: the duration, and the parameters of the kinds that take some.</summary>
public sealed record FaultSettings(int DurationSeconds = 10, int LatencyMs = 500, int JitterMs = 100, LinkDirection Direction = LinkDirection.Downstream)
{
    /// <summary>The parameters <paramref name="kind"/> takes from these settings.</summary>
    public FaultParameters For(FaultKind kind) => kind switch
    {
        FaultKind.PartitionOneWay => new FaultParameters(Direction: Direction),
        FaultKind.Latency => new FaultParameters(LatencyMs: LatencyMs, JitterMs: Math.Min(JitterMs, LatencyMs)),
        _ => FaultParameters.None,
    };
}
