namespace ClusterDashboard.ZooKeeper;

/// <summary>A multi failed and nothing was applied. <see cref="ZooKeeperException.Code"/> and
/// <see cref="ZooKeeperException.Path"/> are the first failing operation's.</summary>
public sealed class MultiOperationException : ZooKeeperException
{
    public MultiOperationException(ZooKeeperErrorCode code, string? path, int failedIndex, IReadOnlyList<OperationResult> results)
        : base(code, path, $"operation {failedIndex} of the multi failed; nothing was applied")
    {
        FailedIndex = failedIndex;
        Results = results;
    }

    public MultiOperationException()
    {
        Results = [];
    }

    public MultiOperationException(string message)
        : base(message)
    {
        Results = [];
    }

    public MultiOperationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Results = [];
    }

    public int FailedIndex { get; }

    public IReadOnlyList<OperationResult> Results { get; } = [];
}
