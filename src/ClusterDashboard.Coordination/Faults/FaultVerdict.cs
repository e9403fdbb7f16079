namespace ClusterDashboard.Coordination.Faults;

/// <summary>Why an order was not carried out.</summary>
public enum FaultRefusal
{
    /// <summary>No such node is known in the cluster.</summary>
    UnknownNode,

    /// <summary>The target does not accept fault injection (its Faults:Enabled is false), or the node that took the
    /// request does not take fault orders.</summary>
    NotAccepted,

    /// <summary>The target has a key and the order carried none, or a wrong one.</summary>
    WrongKey,

    /// <summary>A kind, duration or field the target does not accept.</summary>
    Invalid,

    /// <summary>Resign aimed at a node that does not lead.</summary>
    NotLeader,

    /// <summary>The order reached the target too late, or was seen before: it was dropped, not run.</summary>
    Stale,

    /// <summary>This node cannot reach ZooKeeper, so it cannot pass the order on.</summary>
    Unavailable,

    /// <summary>The target did not take the order in time; it was withdrawn.</summary>
    Unanswered,
}

/// <summary>What became of an order: carried out by its target, or refused, and why in a sentence.</summary>
/// <param name="FaultId">The order's id once it was passed on (the history lists it under that id); null for one
/// refused before it left this node.</param>
public sealed record FaultVerdict(string? FaultId, FaultOrder Order, FaultRefusal? Refusal, string? Reason)
{
    public bool Accepted => Refusal is null;

    public static FaultVerdict Done(string faultId, FaultOrder order) => new(faultId, order, null, null);

    public static FaultVerdict Refused(string? faultId, FaultOrder order, FaultRefusal refusal, string reason) => new(faultId, order, refusal, reason);
}
