namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>A watch to add once the server has accepted the request that sets it.</summary>
internal sealed record WatchRegistration(WatchKind Kind, string ServerPath, Action<WatchedEvent> Watcher);
