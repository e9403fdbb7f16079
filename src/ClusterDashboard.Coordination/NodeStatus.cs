using System.Text.Json;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Coordination;

/// <summary>A node's own account of itself, kept by its observer session under /status so it stays visible while
/// the participant is crashed, partitioned or paused: its state (a fault's while it lives through one), the fault,
/// and what fault orders it accepts.</summary>
/// <param name="Believes">What its election believes, whatever fault it lives through (a partitioned leader may still
/// believe it leads): its belief as it publishes it, never corrected by anyone else's view.</param>
/// <param name="Epoch">The epoch it believes it leads with, while it believes it leads.</param>
public sealed record NodeStatus(string NodeId, string Url, NodeState State, string? FaultId, DateTimeOffset? FaultUntil, string Policy, DateTimeOffset At, FaultAcceptance? Faults = null, NodeState? Believes = null, long? Epoch = null)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, PayloadJson.Options);

    public static NodeStatus? TryParse(ReadOnlySpan<byte> data) =>
        PayloadJson.TryParse<NodeStatus>(data) is { } s && NodeIds.IsValid(s.NodeId) && Enum.IsDefined(s.State) && (s.Believes is null || Enum.IsDefined(s.Believes.Value)) ? s : null;
}
