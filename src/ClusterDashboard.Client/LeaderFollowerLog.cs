using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Client;

/// <summary>What a <see cref="LeaderFollower"/> says about the streams it follows. Event ids 9000–9999 (the app's own
/// are below, so a service that logs both can tell them apart). NodeUrl is the base URL of the node streamed from.</summary>
internal static partial class LeaderFollowerLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Leader stream of {NodeUrl} ended: {Reason}; trying the next node")]
    public static partial void StreamEnded(this ILogger logger, Uri nodeUrl, string reason);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Leader stream of {NodeUrl} failed; trying the next node")]
    public static partial void StreamFailed(this ILogger logger, Exception exception, Uri nodeUrl);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "No node of {Count} kept a live stream; no leader is known until one does (next try in {Retry})")]
    public static partial void NoLiveStream(this ILogger logger, int count, TimeSpan retry);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Debug, Message = "Following the leader stream of {NodeUrl}")]
    public static partial void Following(this ILogger logger, Uri nodeUrl);

    // ViewIndex is the event's id: the index (a zxid, in decimal) of the view it reports.
    [LoggerMessage(EventId = 9005, Level = LogLevel.Debug, Message = "{NodeUrl} says {StreamEvent} {Data} (id {ViewIndex})")]
    public static partial void Heard(this ILogger logger, Uri nodeUrl, string streamEvent, string data, string? viewIndex);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Node {NodeUrl} says its view is stale; trying the next node")]
    public static partial void StaleView(this ILogger logger, Uri nodeUrl);
}
