using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>What the leader's <see cref="LeaderHeartbeat"/> says when a beat does not land. Event ids 4000–4999.</summary>
internal static partial class HeartbeatLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Heartbeat of {NodeId} (epoch {Epoch}) failed")]
    public static partial void Failed(this ILogger logger, Exception exception, string nodeId, long epoch);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Heartbeat of {NodeId} refused: {Reason}")]
    public static partial void Refused(this ILogger logger, string nodeId, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Heartbeat of {NodeId} not written to {ZnodePath}: {Reason}")]
    public static partial void NotWritten(this ILogger logger, string nodeId, string znodePath, string reason);
}
