using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>What the participant session says (<see cref="ClusterParticipant"/>, its <see cref="MemberRegistration"/>,
/// the node's background jobs). Event ids 3000–3999.</summary>
internal static partial class ParticipantLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Participant session {SessionId} of {NodeId} ended ({ConnectionState}); starting a new one")]
    public static partial void SessionEnded(this ILogger logger, string sessionId, string nodeId, ZooKeeper.ConnectionState connectionState);

    // SessionId is null when no session was established.
    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Participant {NodeId} could not take part: {Reason}; retrying in {Backoff} (session {SessionId})")]
    public static partial void CouldNotTakePart(this ILogger logger, string nodeId, string reason, TimeSpan backoff, string? sessionId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Member znode {ZnodePath} of {NodeId} is held by session {OwnerSessionId}, not ours ({SessionId}); replacing it")]
    public static partial void MemberReplaced(this ILogger logger, string znodePath, string nodeId, string ownerSessionId, string sessionId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Could not publish state {NodeState} of {NodeId} to {ZnodePath}: {Reason}")]
    public static partial void StateNotPublished(this ILogger logger, NodeState nodeState, string nodeId, string znodePath, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Background job {Job} failed")]
    public static partial void BackgroundJobFailed(this ILogger logger, Exception exception, string job);
}
