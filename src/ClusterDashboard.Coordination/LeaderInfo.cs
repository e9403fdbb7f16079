namespace ClusterDashboard.Coordination;

/// <summary>The current leader. <see cref="Epoch"/> is its fencing token, the zxid of its candidate's creation, which
/// strictly increases from one leader to the next for the life of the ensemble; <see cref="Sequence"/> is the
/// candidate's readable number (its place in the queue, which starts over if the election parent is made again).</summary>
public sealed record LeaderInfo(string NodeId, string? Url, long Epoch, string Znode, DateTimeOffset? Since)
{
    public long Sequence { get; init; }
}
