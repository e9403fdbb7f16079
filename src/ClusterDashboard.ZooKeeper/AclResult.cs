namespace ClusterDashboard.ZooKeeper;

public sealed record AclResult(IReadOnlyList<Acl> Acl, Stat Stat);
