namespace ClusterDashboard.Coordination.Faults;

/// <summary>The fault a node is living through, until <see cref="Until"/> or until healed.</summary>
public sealed record ActiveFault(string Id, FaultKind Kind, DateTimeOffset Since, DateTimeOffset Until, FaultParameters Parameters)
{
    public ActiveFault(string id, FaultKind kind, DateTimeOffset since, DateTimeOffset until)
        : this(id, kind, since, until, FaultParameters.None)
    {
    }
}
