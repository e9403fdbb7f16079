namespace ClusterDashboard.Coordination;

/// <summary>Orders faults on any node of the cluster.</summary>
public interface IFaultCommander
{
    /// <summary>Orders <paramref name="kind"/> (null: end the running fault) on <paramref name="nodeId"/>; returns the
    /// fault's id. The order travels through ZooKeeper, so nodes need no network path to each other.</summary>
    Task<string> OrderFaultAsync(string nodeId, FaultKind? kind, int durationSeconds, CancellationToken cancellationToken);
}
