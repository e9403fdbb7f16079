namespace ClusterDashboard.Api;

/// <summary>A child of the election parent that is not a candidate: it can neither lead nor be watched.</summary>
/// <param name="Reason">Why, in a sentence (not ephemeral, no sequence number, a number ZooKeeper did not give it).</param>
public sealed record ForeignZnodeResponse(string Znode, string Reason);
