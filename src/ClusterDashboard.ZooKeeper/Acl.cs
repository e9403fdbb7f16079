namespace ClusterDashboard.ZooKeeper;

/// <summary>One ACL entry: what <see cref="Id"/> may do.</summary>
public sealed record Acl(Permissions Permissions, ZooKeeperId Id)
{
    /// <summary>Anyone may do anything (ZooDefs.Ids.OPEN_ACL_UNSAFE).</summary>
    public static IReadOnlyList<Acl> OpenUnsafe { get; } = [new(Permissions.All, ZooKeeperId.Anyone)];

    /// <summary>Only the creator's authenticated identities (ZooDefs.Ids.CREATOR_ALL_ACL).</summary>
    public static IReadOnlyList<Acl> CreatorAll { get; } = [new(Permissions.All, ZooKeeperId.Creator)];

    /// <summary>Anyone may read (ZooDefs.Ids.READ_ACL_UNSAFE).</summary>
    public static IReadOnlyList<Acl> ReadUnsafe { get; } = [new(Permissions.Read, ZooKeeperId.Anyone)];
}
