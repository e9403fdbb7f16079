using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>Appends records to the cluster's history (/history), through the observer's session, and keeps it short:
/// ZooKeeper's data must stay small, so every so often the oldest records go.
/// <para>Refused fault orders are kept in a pool of their own, named apart: anyone who can reach a node's HTTP port
/// can have orders with a wrong key refused, as many as they like, and in one shared pool those refusals would push
/// every leader change and every fault that ran out of the history.</para></summary>
internal sealed class HistoryWriter(ClusterObserver observer, ClusterAcls acls, ILogger logger)
{
    /// <summary>The name prefix of what happened: leader changes, sightings, fault orders carried out.</summary>
    public const string EventPrefix = "h-";

    /// <summary>The name prefix of fault orders their target refused.</summary>
    public const string RefusalPrefix = "refused-";

    /// <summary>How many records of what happened are kept.</summary>
    public const int KeptEvents = 500;

    /// <summary>How many refusals are kept: enough to read why the last orders failed.</summary>
    public const int KeptRefusals = 100;

    private const int PruneEvery = 100;

    /// <summary>Best effort: a record that cannot be written is logged and dropped.</summary>
    public async Task AppendAsync(HistoryRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (observer.Client is not { } zk)
        {
            logger.HistoryWithoutSession(record.Type);
            return;
        }

        try
        {
            var acl = acls.For(ClusterNode.HistoryPath);
            await ZooKeeperPaths.EnsureAsync(zk, ClusterNode.HistoryPath, acl, cancellationToken).ConfigureAwait(false);
            var prefix = record is { Type: HistoryRecordType.Fault, Refusal: not null } ? RefusalPrefix : EventPrefix;
            // Both pools share the parent's one create counter, so pruning every hundredth create bounds both.
            var created = await zk.CreateAsync(ZooKeeperPath.Combine(ClusterNode.HistoryPath, prefix), record.ToBytes(), CreateMode.PersistentSequential, acl, cancellationToken: cancellationToken).ConfigureAwait(false);
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

    // Each pool keeps its newest. A numbered child in neither (written by another client) counts with the refusals,
    // the pool an outsider can fill anyway, so it cannot crowd out what happened either; one without a number is left
    // alone, as it always was.
    private static async Task PruneAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var records = SequenceNumber.Order(await zk.GetChildrenAsync(ClusterNode.HistoryPath, cancellationToken: cancellationToken).ConfigureAwait(false));
        var events = records.Where(r => r.Name.StartsWith(EventPrefix, StringComparison.Ordinal)).ToList();
        var others = records.Where(r => !r.Name.StartsWith(EventPrefix, StringComparison.Ordinal)).ToList();
        var old = events.Take(Math.Max(0, events.Count - KeptEvents)).Concat(others.Take(Math.Max(0, others.Count - KeptRefusals)));
        foreach (var (name, _) in old)
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
