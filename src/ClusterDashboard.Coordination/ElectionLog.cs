using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>What a <see cref="LeaderElection"/> says: joining, every change of state, and the candidates it finds
/// wrong. Event ids 2000–2999. ZnodePath is a candidate's or marker's full path; SessionId, OwnerSessionId and Zxid are
/// <see cref="ZooKeeper.LogHex"/> strings.</summary>
internal static partial class ElectionLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Node {NodeId} joined the election as {ZnodePath} (session {SessionId}, zxid {Zxid})")]
    public static partial void Joined(this ILogger logger, string nodeId, string znodePath, string sessionId, string zxid);

    // Epoch and Zxid are the same number, the leader's fencing token: decimal as the API and the page show it, hex as
    // ZooKeeper's tools do. Both are null unless the node leads; the others are null when there is no candidate or
    // no session.
    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Node {NodeId} is now {LeadershipState} (epoch {Epoch}, zxid {Zxid}, candidate {ZnodePath}, session {SessionId})")]
    public static partial void StateChanged(this ILogger logger, string nodeId, LeadershipState leadershipState, long? epoch, string? zxid, string? znodePath, string? sessionId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Candidate {ZnodePath} of {NodeId} was deleted while it led; it stopped leading (session {SessionId})")]
    public static partial void DeletedWhileLeading(this ILogger logger, string znodePath, string nodeId, string sessionId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Leader {NodeId} stopped acting: ZooKeeper has answered nothing sent in the last {Lease} of its session {SessionId}")]
    public static partial void LeaseRanOut(this ILogger logger, string nodeId, TimeSpan lease, string sessionId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Candidate {ZnodePath} of {NodeId} disappeared; joining again (session {SessionId})")]
    public static partial void Disappeared(this ILogger logger, string znodePath, string nodeId, string sessionId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Candidate {ZnodePath} of {NodeId} does not count as a candidate ({Reason}); joining again")]
    public static partial void DoesNotCount(this ILogger logger, string znodePath, string nodeId, string reason);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Candidate {ZnodePath} of {NodeId} is owned by session {OwnerSessionId}, not ours ({SessionId}); joining again")]
    public static partial void OwnedByAnother(this ILogger logger, string znodePath, string nodeId, string ownerSessionId, string sessionId);

    // OwnerSessionIds: the sessions, comma-separated.
    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Candidate {ZnodePath} of {NodeId} heads the queue but waits for sessions {OwnerSessionIds} to let go of theirs")]
    public static partial void WaitsForHolders(this ILogger logger, string znodePath, string nodeId, string ownerSessionIds);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Fenced write by {NodeId} refused: its candidate {ZnodePath} is gone; stepping down (session {SessionId})")]
    public static partial void FencedWriteRefused(this ILogger logger, string nodeId, string znodePath, string sessionId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Node {NodeId} resigns: candidate {ZnodePath} leaves the queue")]
    public static partial void Resigns(this ILogger logger, string nodeId, string znodePath);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Session marker {ZnodePath} of {NodeId} was made by session {OwnerSessionId}, not ours ({SessionId}); it is replaced")]
    public static partial void MarkerReplaced(this ILogger logger, string znodePath, string nodeId, string ownerSessionId, string sessionId);

    // Candidates: the names under the election path, comma-separated.
    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Node {NodeId} removes {Count} other candidate(s) of its own session {SessionId}: {Candidates}")]
    public static partial void RemovesOwnStrays(this ILogger logger, string nodeId, int count, string sessionId, string candidates);
}
