using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Coordination;

/// <summary>What happened to the cluster: faults injected and leader changes with their timings, newest first.</summary>
public sealed record ClusterHistory(IReadOnlyList<FaultEntry> Faults, IReadOnlyList<LeaderChangeEntry> LeaderChanges);

/// <summary>A fault order as its target decided on it.</summary>
/// <param name="Kind">The fault; null for an order to end the running fault.</param>
/// <param name="DecidedAt">When the target decided (carried it out, or refused it).</param>
/// <param name="Refusal">Why the target refused it; null when carried out.</param>
/// <param name="Reason">The refusal in a sentence.</param>
/// <param name="Parameters">What the kind took beside its duration (a direction, a latency), if anything.</param>
public sealed record FaultEntry(string Id, string NodeId, FaultKind? Kind, int? DurationSeconds, DateTimeOffset DecidedAt, string? IssuedBy, FaultRefusal? Refusal, string? Reason, FaultParameters? Parameters = null)
{
    public bool CarriedOut => Refusal is null;
}

/// <param name="Id">The history record it comes from (unique, unlike the epoch, which restarts when the election
/// parent is made anew).</param>
/// <param name="LeaderZnodeGoneAt">When the successor saw its predecessor's (the old leader's) znode deleted.</param>
/// <param name="SeenBy">When each node saw this leader.</param>
/// <param name="FaultId">The fault that caused the change: one carried out on the old leader whose span the change
/// fell in; null for an unplanned change (or the first election).</param>
/// <param name="DetectionMs">Fault injected until the old leader's znode was gone.</param>
/// <param name="ElectionMs">Znode gone until the successor knew it led.</param>
/// <param name="TotalFailoverMs">Fault injected until the last node saw the new leader (sightings more than
/// <see cref="ClusterHistoryBuilder.SeenWindow"/> after the election do not count).</param>
public sealed record LeaderChangeEntry(
    string Id,
    long Epoch,
    string NodeId,
    DateTimeOffset ElectedAt,
    DateTimeOffset? LeaderZnodeGoneAt,
    IReadOnlyDictionary<string, DateTimeOffset> SeenBy,
    string? FaultId,
    double? DetectionMs,
    double? ElectionMs,
    double? TotalFailoverMs)
{
    /// <summary>The node that led before, as the history recorded it; null for the first election recorded.</summary>
    public string? PreviousNodeId { get; init; }
}
