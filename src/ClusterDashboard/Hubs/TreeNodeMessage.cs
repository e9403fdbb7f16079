namespace ClusterDashboard.Hubs;

/// <param name="Data">The data as UTF-8 text (our znodes hold JSON), or null when empty; cut at
/// <see cref="ClusterHub.MaxDataBytes"/>.</param>
/// <param name="EphemeralOwner">The owning session as hex for an ephemeral znode, else null.</param>
/// <param name="DataLength">The data's whole length in bytes.</param>
/// <param name="DataTruncated">True when <see cref="Data"/> is only the start of it.</param>
public sealed record TreeNodeMessage(string Path, string? Data, int Version, long Mzxid, string? EphemeralOwner, int DataLength = 0, bool DataTruncated = false);
