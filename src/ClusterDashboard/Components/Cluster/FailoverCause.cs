using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Components.Cluster;

/// <summary>What a leader change is put down to on the page: the fault that caused it (ClusterHistoryBuilder decides
/// which), the first election, or nobody's order at all.</summary>
internal static class FailoverCause
{
    public static string Of(LeaderChangeEntry change, FaultEntry? fault) =>
        fault?.Kind is { } kind ? $"{kind.Name()} of {fault.NodeId}" : change.PreviousNodeId is null ? "first election" : "unplanned";
}
