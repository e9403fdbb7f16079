using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>Appends records to the cluster's history (/history), through the observer's session, and keeps it short:
/// ZooKeeper's data must stay small, so every so often the oldest records go.</summary>
internal sealed class HistoryWriter(ClusterObserver observer, ClusterAcls acls, ILogger logger)
{
    private const int PruneEvery = 100;
    private const int Kept = 500;

    /// <summary>Best effort: a record that cannot be written is logged and dropped.</summary>
    public async Task AppendAsync(HistoryRecord record, CancellationToken cancellationToken)
    {
        if (observer.Client is not { } zk)
        {
            logger.HistoryWithoutSession(record.Type);
            return;
        }

        try
        {
            var acl = acls.For(ClusterNode.HistoryPath);
            await ZooKeeperPaths.EnsureAsync(zk, ClusterNode.HistoryPath, acl, cancellationToken).ConfigureAwait(false);
            var created = await zk.CreateAsync(ZooKeeperPath.Combine(ClusterNode.HistoryPath, "h-"), record.ToBytes(), CreateMode.PersistentSequential, acl, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (SequenceNumber.Parse(created.Path) % PruneEvery == 0)
            {
                await PruneAsync(zk, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e)
        {
            logger.HistoryNotWritten(record.Type, ClusterNode.HistoryPath, e.Message);
        }
    }

    private static async Task PruneAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var records = SequenceNumber.Order(await zk.GetChildrenAsync(ClusterNode.HistoryPath, cancellationToken: cancellationToken).ConfigureAwait(false));
        foreach (var (name, _) in records.Take(Math.Max(0, records.Count - Kept)))
        {
            try
            {
                await zk.DeleteAsync(ZooKeeperPath.Combine(ClusterNode.HistoryPath, name), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                // another node pruned it first
            }
        }
    }
}
