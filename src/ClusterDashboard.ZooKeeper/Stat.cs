namespace ClusterDashboard.ZooKeeper;

/// <summary>A znode's metadata as the server reports it.</summary>
/// <param name="Czxid">zxid of the create.</param>
/// <param name="Mzxid">zxid of the last data change.</param>
/// <param name="Ctime">Creation time, ms since the Unix epoch, by the server's clock.</param>
/// <param name="Mtime">Last data change time, ms since the Unix epoch.</param>
/// <param name="Version">Data version, compared by setData and delete.</param>
/// <param name="Cversion">Number of child creates and deletes.</param>
/// <param name="Aversion">ACL version, compared by setACL.</param>
/// <param name="EphemeralOwner">Owning session id for an ephemeral znode, else 0.</param>
/// <param name="DataLength">Length of the data.</param>
/// <param name="NumChildren">Number of children.</param>
/// <param name="Pzxid">zxid of the last change to the child list.</param>
public sealed record Stat(
    long Czxid,
    long Mzxid,
    long Ctime,
    long Mtime,
    int Version,
    int Cversion,
    int Aversion,
    long EphemeralOwner,
    int DataLength,
    int NumChildren,
    long Pzxid)
{
    public DateTimeOffset CreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(Ctime);

    public DateTimeOffset ModifiedAt => DateTimeOffset.FromUnixTimeMilliseconds(Mtime);
}
