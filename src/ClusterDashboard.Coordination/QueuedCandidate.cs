namespace ClusterDashboard.Coordination;

/// <summary>A candidate in queue order. <see cref="Sequence"/> is the number in its name (for a candidate ZooKeeper
/// numbered, its place). <see cref="Czxid"/>, the zxid of its creation, is its place and its fencing token:
/// ZooKeeper's zxids only grow for the life of the ensemble, so a candidate created later has a higher one even if the
/// election parent was deleted and made again and its numbers started over.</summary>
public readonly record struct QueuedCandidate(string Name, long Sequence, long Czxid);
