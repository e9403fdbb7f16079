namespace ClusterDashboard.ZooKeeper;

/// <summary>What one operation of a multi did.</summary>
public abstract record OperationResult
{
    /// <summary>Ok when the operation applied; for a failed multi, the failing operation's code, and Ok or
    /// RuntimeInconsistency for the others (nothing applied).</summary>
    public ZooKeeperErrorCode Error { get; init; }
}

public sealed record CreateOperationResult(string Path, Stat? Stat) : OperationResult;

public sealed record DeleteOperationResult : OperationResult;

public sealed record SetDataOperationResult(Stat Stat) : OperationResult;

public sealed record CheckOperationResult : OperationResult;

public sealed record ErrorOperationResult : OperationResult;
