namespace ClusterDashboard.Coordination;

/// <summary>A leader-only action was refused: this participant does not lead, or its leadership is stale (a fenced
/// write found its candidate gone).</summary>
public sealed class NotLeaderException : Exception
{
    public NotLeaderException(string message)
        : base(message)
    {
    }

    public NotLeaderException()
    {
    }

    public NotLeaderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
