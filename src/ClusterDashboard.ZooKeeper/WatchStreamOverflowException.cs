namespace ClusterDashboard.ZooKeeper;

/// <summary>A watch stream's consumer fell more than its capacity behind. The stream ends rather than buffer without
/// bound or drop events silently: re-read the state the watch guards, then watch again.</summary>
public sealed class WatchStreamOverflowException : Exception
{
    public WatchStreamOverflowException(string path, int capacity)
        : base($"The watch stream for {path} overflowed: more than {capacity} events were not consumed. Re-read and watch again.")
    {
        Path = path;
    }

    public WatchStreamOverflowException()
    {
    }

    public WatchStreamOverflowException(string message)
        : base(message)
    {
    }

    public WatchStreamOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Path { get; }
}
