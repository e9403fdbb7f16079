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

    /// <summary>When its span ends: at once for a resign or a recover; a duration read from ZooKeeper (anyone with
    /// write access could have forged it) counts for at most a day, so no time computed from it can overflow.</summary>
    public DateTimeOffset EndsAt => Kind is { } kind && kind.HasDuration() && DurationSeconds is > 0 and var seconds
        ? Later(DecidedAt, TimeSpan.FromSeconds(Math.Min(seconds, 86_400)))
        : DecidedAt;

    /// <summary><paramref name="at"/> plus <paramref name="span"/>, or the last moment there is.</summary>
    public static DateTimeOffset Later(DateTimeOffset at, TimeSpan span) =>
        at > DateTimeOffset.MaxValue - span ? DateTimeOffset.MaxValue : at + span;
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

    /// <summary>When the last node saw it as part of the failover (sightings within
    /// <see cref="ClusterHistoryBuilder.SeenWindow"/> of the election; the election itself if none).</summary>
    public DateTimeOffset LastSeenInTime { get; init; }
}
