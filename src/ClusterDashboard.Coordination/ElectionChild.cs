namespace ClusterDashboard.Coordination;

/// <summary>A child of the election parent as its stat describes it: when it was created and by which session.</summary>
public readonly record struct ElectionChild(string Name, long Czxid, long EphemeralOwner);
