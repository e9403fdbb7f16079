namespace ClusterDashboard.ZooKeeper;

/// <summary>Which watches removeWatches and checkWatches address.</summary>
public enum WatcherType
{
    Children = 1,
    Data = 2,
    Any = 3,
}
