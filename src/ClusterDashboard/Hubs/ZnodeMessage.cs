using ClusterDashboard.Coordination;

namespace ClusterDashboard.Hubs;

/// <param name="Zxid">The transaction that made the change, so a client can order changes and match them to
/// <see cref="TreeMessage.Zxid"/>.</param>
public sealed record ZnodeMessage(string Path, ZnodeChangeKind Kind, DateTimeOffset At, long Zxid);
