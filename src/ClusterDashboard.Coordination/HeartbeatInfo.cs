using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>What the leader last wrote, through a fenced write, to the heartbeat znode: who, in which term, since when
/// it leads (so every node reports the same "since") and when it wrote.</summary>
public sealed record HeartbeatInfo(string NodeId, long Epoch, DateTimeOffset LeaderSince, DateTimeOffset At)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    public static HeartbeatInfo? TryParse(ReadOnlySpan<byte> data) => PayloadJson.TryParse<HeartbeatInfo>(data) is { } h && NodeIds.IsValid(h.NodeId) ? h : null;
}
