using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination.Faults;

/// <summary>What fault injection says: faults a participant lives through (<see cref="FaultDrill"/>) and the orders
/// this node passes on or carries out (<see cref="FaultCommandBus"/>). Event ids 5000–5999. An order's API key is never
/// a field.</summary>
internal static partial class FaultLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Fault {FaultId}: {Kind} {Parameters} for {Duration}")]
    public static partial void Started(this ILogger logger, string faultId, string kind, FaultParameters parameters, TimeSpan duration);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Fault {FaultId} ({Kind}) ended")]
    public static partial void Ended(this ILogger logger, string faultId, string kind);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Fault order {FaultId} for {NodeId} withdrawn before its target took it")]
    public static partial void OrderWithdrawn(this ILogger logger, string faultId, string nodeId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Fault order {FaultId} for {NodeId} could not be withdrawn: {Reason}")]
    public static partial void OrderNotWithdrawn(this ILogger logger, string faultId, string nodeId, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Fault command {ZnodePath} not carried out: it could not be claimed ({Reason})")]
    public static partial void CommandNotClaimed(this ILogger logger, string znodePath, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Fault order {FaultId} for {NodeId} refused ({Refusal}): {Reason}")]
    public static partial void OrderRefused(this ILogger logger, string faultId, string nodeId, FaultRefusal refusal, string reason);

    // IssuedBy is the node id of the node that passed the order on.
    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Fault order {FaultId} for {NodeId} carried out: {Kind} ordered by {IssuedBy}")]
    public static partial void OrderCarriedOut(this ILogger logger, string faultId, string nodeId, string kind, string issuedBy);
}
