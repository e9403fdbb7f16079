namespace ClusterDashboard.Coordination;

/// <summary>One election candidate znode. <see cref="Watching"/> is the predecessor znode it watches (null for the
/// leader). <see cref="NodeId"/> is null for candidates created by clients that did not write our JSON payload.</summary>
public sealed record CandidateInfo(string Znode, long Sequence, string? NodeId, string? Url, bool IsLeader, string? Watching)
{
    /// <summary>The zxid of its creation: its fencing token, should it lead.</summary>
    public long Czxid { get; init; }

    /// <summary>The session that owns it (its ephemeral owner).</summary>
    public long Owner { get; init; }
}
