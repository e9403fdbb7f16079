namespace ClusterDashboard.Cluster;

/// <summary>What the web app's side of the node says: the node joining and leaving with the host, and the event feed's
/// subscribers. Event ids 8000–8999.</summary>
internal static partial class ClusterHostLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Node {NodeId} joining the cluster at {ConnectString}")]
    public static partial void Joining(this ILogger logger, string nodeId, string connectString);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Node {NodeId} leaving the cluster")]
    public static partial void Leaving(this ILogger logger, string nodeId);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "A cluster event subscriber failed on {EventType}")]
    public static partial void SubscriberFailed(this ILogger logger, Exception exception, string eventType);
}
