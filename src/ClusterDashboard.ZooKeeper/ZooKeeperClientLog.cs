using Microsoft.Extensions.Logging;

namespace ClusterDashboard.ZooKeeper;

/// <summary>What the client says about its session: connections made, lost and failed, the session's end, and
/// callbacks that threw. Event ids 1000–1999. SessionId and Zxid are <see cref="LogHex"/> strings, Server is
/// "host:port".</summary>
internal static partial class ZooKeeperClientLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "ZooKeeper session {SessionId}: connection to {Server} failed: {Reason}")]
    public static partial void ConnectionFailed(this ILogger logger, string sessionId, string server, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "ZooKeeper session {SessionId} connected to {Server} (timeout {TimeoutMs} ms, last zxid {Zxid})")]
    public static partial void Connected(this ILogger logger, string sessionId, string server, int timeoutMs, string zxid);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "ZooKeeper session {SessionId} lost its connection to {Server} (last zxid {Zxid}): {Reason}")]
    public static partial void ConnectionLost(this ILogger logger, string sessionId, string server, string zxid, string reason);

    // Information when the application closed it, Warning when it expired or its credentials were refused.
    [LoggerMessage(EventId = 1004, Message = "ZooKeeper session {SessionId} ended: {ConnectionState} ({Reason}), last zxid {Zxid}")]
    public static partial void SessionEnded(this ILogger logger, LogLevel level, string sessionId, ConnectionState connectionState, string reason, string zxid);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "ZooKeeper session {SessionId} closed without the server's reply: {Reason}")]
    public static partial void ClosedWithoutReply(this ILogger logger, string sessionId, string reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "A watcher of ZooKeeper session {SessionId} for {ZnodePath} threw")]
    public static partial void WatcherThrew(this ILogger logger, Exception exception, string sessionId, string? znodePath);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "A ZooKeeper callback threw")]
    public static partial void CallbackThrew(this ILogger logger, Exception exception);
}
