using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination.Security;

/// <summary>What the <see cref="ClusterAclAudit"/> says about the cluster's znodes and credentials. Event ids
/// 7000–7999. ACLs are written by <see cref="ClusterAcls.Describe(IEnumerable{ZooKeeper.Acl})"/>, a digest by its user
/// alone; the credentials themselves are never a field.</summary>
internal static partial class AclAuditLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "ZooKeeper:Auth is not set: every znode of this cluster is open to any client of the ensemble, which can order faults, forge candidates and read the commands")]
    public static partial void NoCredentials(this ILogger logger);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "ACL audit: {Checked} persistent znodes of the cluster checked, {Fixed} set to the cluster's ACL")]
    public static partial void Done(this ILogger logger, int @checked, int @fixed);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "ACL audit stopped: {Reason}")]
    public static partial void Stopped(this ILogger logger, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "ZooKeeper:ConnectString has no chroot, and the ensemble's root lets anyone create and delete ({Acl}): a client without the cluster's credentials can delete an empty top-level znode of the cluster and take its name. Give the cluster a chroot of its own, e.g. host:2181/clusterdashboard")]
    public static partial void OpenRoot(this ILogger logger, string acl);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Znode {ZnodePath} had the ACL {Found}; set it to the cluster's {Wanted}")]
    public static partial void Mended(this ILogger logger, string znodePath, string found, string wanted);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Znode {ZnodePath} has an ACL this node may not read or change (NoAuth): it was made by another identity; an operator must fix it, or the cluster's credentials must match")]
    public static partial void NotOurs(this ILogger logger, string znodePath);
}
