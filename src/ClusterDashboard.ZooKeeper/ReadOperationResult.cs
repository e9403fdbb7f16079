namespace ClusterDashboard.ZooKeeper;

/// <summary>What one read of a multiRead returned.</summary>
public abstract record ReadOperationResult
{
    public ZooKeeperErrorCode Error { get; init; }
}

public sealed record DataReadResult(NodeData Node) : ReadOperationResult;

public sealed record ChildrenReadResult(IReadOnlyList<string> Children) : ReadOperationResult;

public sealed record ErrorReadResult : ReadOperationResult;
