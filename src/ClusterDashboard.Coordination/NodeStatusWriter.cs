using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>Writes this node's status (/status/{nodeId}: its state, its fault, what fault orders it accepts) where
/// every dashboard sees it, on the observer's session, which faults leave alone.</summary>
internal sealed class NodeStatusWriter(ClusterNodeOptions options, ClusterObserver observer, ClusterParticipant participant, ClusterAcls acls, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (observer.Client is not { State: ConnectionState.Connected } zk)
        {
            return; // the next snapshot without our status publishes it
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fault = participant.Fault;
            // One look at the election: the state, the belief and its epoch from the same moment.
            var (election, epoch) = participant.Election.Term;
            var believes = NodeStates.Of(election);
            var state = fault is { } f ? NodeStates.Of(f.Kind) : believes;
            var status = new NodeStatus(options.NodeId, options.AdvertisedUrl, state, fault?.Id, fault?.Until, options.LeadershipPolicy.ToString().ToLowerInvariant(), time.GetUtcNow(), options.Faults.Acceptance)
            {
                Believes = believes,
                Epoch = believes == NodeState.Leader ? epoch : null,
            };
            var path = ZooKeeperPath.Combine(ClusterNode.StatusPath, options.NodeId);
            try
            {
                await zk.SetDataAsync(path, status.ToBytes(), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                var acl = acls.For(ClusterNode.StatusPath);
                await ZooKeeperPaths.EnsureAsync(zk, ClusterNode.StatusPath, acl, cancellationToken).ConfigureAwait(false);
                await zk.CreateAsync(path, status.ToBytes(), CreateMode.Ephemeral, acl, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e)
        {
            logger.StatusNotPublished(options.NodeId, ZooKeeperPath.Combine(ClusterNode.StatusPath, options.NodeId), e.Message);
        }
        finally
        {
            _lock.Release();
        }
    }
}
