namespace ClusterDashboard.Client;

/// <summary>The cluster's leader as a node reported it.</summary>
/// <param name="Epoch">The leader's fencing token: it only grows from one leader to the next.</param>
/// <param name="Index">The zxid of the view the report came from: a later report never has a lower one.</param>
/// <param name="ReportedBy">The node whose stream said so.</param>
public sealed record LeaderView(string NodeId, Uri? Url, long Epoch, long Sequence, string Znode, long Index, Uri ReportedBy);
