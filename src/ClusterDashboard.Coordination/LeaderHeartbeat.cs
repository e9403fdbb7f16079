using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// While this node leads, writes {nodeId, epoch, at} to the heartbeat znode through a fenced write, so the dashboard
/// shows the leader acting, and a leader whose leadership went stale has its write refused and steps down.
/// </summary>
public sealed class LeaderHeartbeat(LeaderElection election, ClusterNodeOptions options, TimeProvider time, ILogger<LeaderHeartbeat> logger)
{
    /// <summary>Writes while leading, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (election.State != LeadershipState.Leader || election.Epoch is not { } epoch)
            {
                continue;
            }

            await BeatAsync(epoch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One fenced write; returns whether it was accepted.</summary>
    public async Task<bool> BeatAsync(long epoch, CancellationToken cancellationToken)
    {
        var beat = new HeartbeatInfo(election.NodeId, epoch, time.GetUtcNow()).ToBytes();
        try
        {
            await election.FencedMultiAsync([Operation.SetData(options.HeartbeatPath, beat)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MultiOperationException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            // The first leader ever creates the znode; the next beat goes through the fence as usual.
            await election.FencedMultiAsync([Operation.Create(options.HeartbeatPath, beat)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NotLeaderException e)
        {
            logger.LogWarning("Heartbeat of {NodeId} refused: {Reason}", election.NodeId, e.Message);
            return false;
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
        {
            return false;
        }
    }
}
