namespace ClusterDashboard.Hubs;

/// <param name="Data">The data as UTF-8 text (our znodes hold JSON), or null when empty.</param>
/// <param name="EphemeralOwner">The owning session as hex for an ephemeral znode, else null.</param>
public sealed record TreeNodeMessage(string Path, string? Data, int Version, long Mzxid, string? EphemeralOwner);
