namespace ClusterDashboard.Coordination;

/// <summary>A real candidate in queue order. <see cref="Sequence"/> is its place (the number ZooKeeper gave it);
/// <see cref="Czxid"/>, the zxid of its creation, is its fencing token: ZooKeeper's zxids only grow for the life of the
/// ensemble, so a candidate created later has a higher one even if the election parent was deleted and made again
/// and its numbers started over.</summary>
public readonly record struct QueuedCandidate(string Name, long Sequence, long Czxid);
