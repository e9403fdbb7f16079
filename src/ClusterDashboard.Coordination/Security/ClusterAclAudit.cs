using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination.Security;

/// <summary>
/// Brings the cluster's persistent znodes to the ACLs this node would create them with. Znodes made before the cluster
/// had credentials, or by a careless tool, are open to anyone: a node with the credentials sets the right ACL on
/// those it is allowed to and says in the log what it found and what it could not fix. Ephemerals belong to their own
/// sessions and are left alone: each node creates its own anew with the right ACL.
/// </summary>
public sealed class ClusterAclAudit(ClusterNodeOptions options, ClusterAcls acls, ILogger<ClusterAclAudit> logger)
{
    private const int InFlight = 32;

    /// <summary>Checks and mends; never throws, since a failed audit must not stop the node's view.</summary>
    public async Task RunAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        if (!acls.Protected)
        {
            logger.NoCredentials();
            return;
        }

        try
        {
            await WarnOfAnOpenRootAsync(zk, cancellationToken).ConfigureAwait(false);
            var checkedCount = 0;
            var fixedCount = 0;
            foreach (var batch in (await PersistentZnodesAsync(zk, cancellationToken).ConfigureAwait(false)).Chunk(InFlight))
            {
                var results = await Task.WhenAll(batch.Select(path => MendAsync(zk, path, cancellationToken))).ConfigureAwait(false);
                checkedCount += batch.Length;
                fixedCount += results.Count(r => r);
            }

            logger.Done(checkedCount, fixedCount);
        }
        catch (ZooKeeperException e)
        {
            // A lost connection cuts the audit short; the next session runs it again.
            logger.Stopped(e.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Without a chroot the cluster's top-level znodes are children of the ensemble's root, whose ACL is not the
    // cluster's: where it lets anyone create and delete, a stranger can delete an empty one (the heartbeat) and make it
    // again with an ACL of its own.
    private async Task WarnOfAnOpenRootAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        if (ConnectString.Parse(options.ConnectString).Chroot is not null)
        {
            return;
        }

        var root = await zk.GetAclAsync("/", cancellationToken).ConfigureAwait(false);
        if (root.Acl.Any(a => a.Id == ZooKeeperId.Anyone && (a.Permissions & (Permissions.Create | Permissions.Delete)) != 0))
        {
            logger.OpenRoot(ClusterAcls.Describe(root.Acl));
        }
    }

    // The cluster's root (when it has a chroot of its own), its top-level znodes, and the persistent znodes below the
    // ones that hold any: per-node command folders and their commands, history records.
    private async Task<List<string>> PersistentZnodesAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        if (ConnectString.Parse(options.ConnectString).Chroot is not null)
        {
            paths.Add("/");
        }

        paths.AddRange(options.OwnPaths);
        foreach (var parent in new[] { ClusterNode.CommandsPath, ClusterNode.HistoryPath })
        {
            foreach (var child in await ChildrenAsync(zk, parent, cancellationToken).ConfigureAwait(false))
            {
                paths.Add(child);
                if (parent == ClusterNode.CommandsPath)
                {
                    paths.AddRange(await ChildrenAsync(zk, child, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        return paths;
    }

    private static async Task<IEnumerable<string>> ChildrenAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await zk.GetChildrenAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Select(c => ZooKeeperPath.Combine(path, c));
        }
        catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.NoNode or ZooKeeperErrorCode.NoAuth)
        {
            return [];
        }
    }

    /// <summary>Returns whether the ACL was changed.</summary>
    private async Task<bool> MendAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        var wanted = acls.For(path);
        try
        {
            var current = await zk.GetAclAsync(path, cancellationToken).ConfigureAwait(false);
            if (ClusterAcls.SameAcl(current.Acl, wanted))
            {
                return false;
            }

            if (current.Stat.EphemeralOwner != 0)
            {
                return false; // another session's: it creates its own anew
            }

            await zk.SetAclAsync(path, wanted, current.Stat.Aversion, cancellationToken).ConfigureAwait(false);
            logger.Mended(path, ClusterAcls.Describe(current.Acl), ClusterAcls.Describe(wanted));
            return true;
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoAuth)
        {
            logger.NotOurs(path);
            return false;
        }
        catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.NoNode or ZooKeeperErrorCode.BadVersion)
        {
            return false; // gone, or changed by another node's audit at the same time
        }
    }
}
