namespace ClusterDashboard.Coordination.Faults;

/// <summary>Orders faults on any node of the cluster: the one path the REST API and the page both take.</summary>
public interface IFaultCommander
{
    /// <summary>Whether this node takes fault orders at all (its own Faults:Enabled).</summary>
    bool TakesOrders { get; }

    /// <summary>Whether this node has a key (Faults:ApiKey): its page then asks for it before any fault button works.</summary>
    bool RequiresKey { get; }

    /// <summary>Whether <paramref name="supplied"/> is this node's own key (true when it has none), compared in
    /// constant time: the page checks a key once before it keeps it for the browser session.</summary>
    bool IsOwnKey(string? supplied);

    /// <summary>Checks <paramref name="order"/> against what the target publishes, passes it on through ZooKeeper and
    /// waits for the target's own verdict: the target checks again and alone decides.</summary>
    Task<FaultVerdict> OrderAsync(FaultOrder order, CancellationToken cancellationToken);
}
