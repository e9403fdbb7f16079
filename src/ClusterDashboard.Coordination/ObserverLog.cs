using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>What the observer session and the writes made through it (history records, the node's status) say.
/// Event ids 6000–6999.</summary>
internal static partial class ObserverLog
{
    // SessionId is null when the session was never established.
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Cluster observer session {SessionId} of {NodeId} failed: {Reason}; starting a new one")]
    public static partial void SessionFailed(this ILogger logger, string? sessionId, string nodeId, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "History record {Type} not written: no ZooKeeper session yet")]
    public static partial void HistoryWithoutSession(this ILogger logger, HistoryRecordType type);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "History record {Type} not written under {ZnodePath}: {Reason}")]
    public static partial void HistoryNotWritten(this ILogger logger, HistoryRecordType type, string znodePath, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Status of {NodeId} not published to {ZnodePath}: {Reason}")]
    public static partial void StatusNotPublished(this ILogger logger, string nodeId, string znodePath, string reason);
}
