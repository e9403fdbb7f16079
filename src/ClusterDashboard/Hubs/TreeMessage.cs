namespace ClusterDashboard.Hubs;

/// <summary>A consistent copy of the cluster's tree: every change up to <see cref="Zxid"/>, none after. Later
/// ZnodeChanged messages with a higher zxid apply on top of it.</summary>
/// <param name="Truncated">True when the tree holds more znodes than one answer carries.</param>
public sealed record TreeMessage(long Zxid, IReadOnlyList<TreeNodeMessage> Nodes, bool Truncated = false);
