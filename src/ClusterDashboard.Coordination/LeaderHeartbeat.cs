using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// While this node leads, writes {nodeId, epoch, at} to the heartbeat znode through a fenced write, so the dashboard
/// shows the leader acting, and a leader whose leadership went stale has its write refused and steps down.
/// </summary>
public sealed class LeaderHeartbeat(LeaderElection election, ClusterNodeOptions options, IReadOnlyList<Acl> acl, TimeProvider time, ILogger<LeaderHeartbeat> logger)
{
    /// <summary>Writes while leading, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            return;
        }

        // A new leader beats without waiting for a tick, so every node learns soon when it took over: once the change
        // itself has reached the views (ClusterNodeOptions.FollowUpDelay).
        var tookOver = new WakeSignal();
        void OnChange(LeadershipChange change)
        {
            if (change.State == LeadershipState.Leader)
            {
                tookOver.Set();
            }
        }

        election.LeadershipChanged += OnChange;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (election.Term is { State: LeadershipState.Leader, Epoch: { } epoch } term)
                {
                    try
                    {
                        await BeatAsync(epoch, term.Since, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The loop outlives any one beat: a leader without it would lose its fenced check for good.
                        logger.Failed(e, election.NodeId, epoch);
                    }
                }

                // On the participant's own clock: a paused participant does not beat.
                using var interval = new CancellationTokenSource(options.HeartbeatInterval, time);
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interval.Token);
                try
                {
                    await tookOver.WaitAsync(tick.Token).ConfigureAwait(false);
                    await Task.Delay(options.FollowUpDelay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
        finally
        {
            election.LeadershipChanged -= OnChange;
        }
    }

    /// <summary>One fenced write for the term with token <paramref name="epoch"/>, which began at
    /// <paramref name="since"/>; returns whether it was accepted.</summary>
    public async Task<bool> BeatAsync(long epoch, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var beat = new HeartbeatInfo(election.NodeId, epoch, since ?? now, now).ToBytes();
        return await WriteAsync(Operation.SetData(options.HeartbeatPath, beat), cancellationToken).ConfigureAwait(false) switch
        {
            Written.Yes => true,
            // The first leader ever creates the znode; the next beat goes through the fence as usual.
            Written.Missing => await WriteAsync(Operation.Create(options.HeartbeatPath, beat, CreateMode.Persistent, acl), cancellationToken).ConfigureAwait(false) == Written.Yes,
            _ => false,
        };
    }

    private enum Written
    {
        Yes,
        Missing,
        No,
    }

    // Whatever ZooKeeper answers (an outage, or NoAuth on a heartbeat znode someone else took over), the beat is lost,
    // not the loop: the next tick tries again.
    private async Task<Written> WriteAsync(Operation write, CancellationToken cancellationToken)
    {
        try
        {
            await election.FencedMultiAsync([write], cancellationToken).ConfigureAwait(false);
            return Written.Yes;
        }
        catch (MultiOperationException e) when (e.Code == ZooKeeperErrorCode.NoNode && write is SetDataOperation)
        {
            return Written.Missing;
        }
        catch (NotLeaderException e)
        {
            logger.Refused(election.NodeId, e.Message);
            return Written.No;
        }
        catch (ZooKeeperException e)
        {
            // A lost connection is the election's to handle: it suspends the leader on its own.
            if (e.Code != ZooKeeperErrorCode.ConnectionLoss)
            {
                logger.NotWritten(election.NodeId, options.HeartbeatPath, e.Message);
            }

            return Written.No;
        }
    }
}
