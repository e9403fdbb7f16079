namespace ClusterDashboard.Coordination.Faults;

/// <summary>What an operator asks for, from the REST API or the page: <see cref="Kind"/> on <see cref="NodeId"/>
/// for <see cref="DurationSeconds"/> (none for resign), or, with no kind, the end of the node's running fault.</summary>
/// <param name="ApiKey">The key the operator gave, if any; it is checked by the target, never sent anywhere.</param>
/// <param name="Parameters">What the kind takes beside a duration (a one-way partition's direction, latency's delay).</param>
public sealed record FaultOrder(string NodeId, FaultKind? Kind, int? DurationSeconds, string? ApiKey = null, FaultParameters? Parameters = null)
{
    public static FaultOrder Recover(string nodeId, string? apiKey = null) => new(nodeId, null, null, apiKey);

    public FaultParameters With => Parameters ?? FaultParameters.None;

    public override string ToString() =>
        $"{Kind?.Name() ?? "recover"} of {NodeId}" + (With == FaultParameters.None ? string.Empty : $" ({With})") + (DurationSeconds is { } d ? $" for {d} s" : string.Empty);
}
