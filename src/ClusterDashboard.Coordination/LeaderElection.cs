using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// The election recipe: an EPHEMERAL_SEQUENTIAL candidate under the election path, the lowest sequence leads, and
/// every other candidate watches only its predecessor, so one departure wakes one participant. Run once per session;
/// the state survives sessions so observers see one continuous history.
/// </summary>
public sealed class LeaderElection : IElectionParticipant
{
    private readonly string _electionPath;
    private readonly string? _url;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private LeadershipState _state = LeadershipState.Idle;
    private long? _epoch;
    private string? _znode;

    public LeaderElection(string electionPath, string nodeId, string? url, TimeProvider time, ILogger logger)
    {
        ZooKeeperPath.Validate(electionPath);
        _electionPath = electionPath;
        NodeId = nodeId;
        _url = url;
        _time = time;
        _logger = logger;
    }

    public event Action<LeadershipChange>? LeadershipChanged;

    public string NodeId { get; }

    public LeadershipState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public long? Epoch
    {
        get
        {
            lock (_lock)
            {
                return _epoch;
            }
        }
    }

    public string? Znode
    {
        get
        {
            lock (_lock)
            {
                return _znode;
            }
        }
    }

    /// <summary>The predecessor this participant watches while it follows.</summary>
    public string? Watching { get; private set; }

    /// <summary>Takes part in the election on <paramref name="zk"/> until its session ends or
    /// <paramref name="cancellationToken"/> fires. Returns normally when the session is over.</summary>
    public async Task RunAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        var wake = new WakeSignal();
        void OnState(ConnectionState _) => wake.Set();
        void OnWatch(WatchedEvent _) => wake.Set();
        zk.StateChanged += OnState;
        try
        {
            Transition(LeadershipState.Joining, null, null);
            await ZooKeeperPaths.EnsureAsync(zk, _electionPath, cancellationToken).ConfigureAwait(false);
            var candidate = await CreateCandidateAsync(zk, cancellationToken).ConfigureAwait(false);
            var announced = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var connection = zk.State;
                if (connection is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed)
                {
                    Transition(LeadershipState.Lost, null, null);
                    return;
                }

                if (connection != ConnectionState.Connected)
                {
                    // Without a connection nobody can tell whether this candidate still leads: stop acting as leader now.
                    Transition(LeadershipState.Suspended, null, candidate);
                    await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    var ordered = SequenceNumber.Order(await zk.GetChildrenAsync(_electionPath, cancellationToken: cancellationToken).ConfigureAwait(false));
                    var index = IndexOf(ordered, candidate);
                    if (index < 0)
                    {
                        // Our candidate is gone while the session lives (deleted by hand): queue again at the back.
                        _logger.LogWarning("Candidate {Znode} of {NodeId} disappeared; joining again", candidate, NodeId);
                        candidate = await CreateCandidateAsync(zk, cancellationToken).ConfigureAwait(false);
                        announced = false;
                        continue;
                    }

                    var path = ZooKeeperPath.Combine(_electionPath, candidate);
                    if (index == 0)
                    {
                        // Read our own znode (and watch it) before claiming: after a reconnect the list can be stale, and
                        // only a candidate owned by this very session may lead.
                        var own = await zk.GetDataAsync(path, OnWatch, cancellationToken).ConfigureAwait(false);
                        if (own.Stat.EphemeralOwner != zk.SessionId)
                        {
                            _logger.LogWarning("Candidate {Znode} is owned by session {Owner:x}, not ours; joining again", candidate, own.Stat.EphemeralOwner);
                            candidate = await CreateCandidateAsync(zk, cancellationToken).ConfigureAwait(false);
                            announced = false;
                            continue;
                        }

                        Watching = null;
                        Transition(LeadershipState.Leader, ordered[0].Sequence, candidate);
                        if (!announced)
                        {
                            announced = true;
                            var payload = new CandidatePayload(NodeId, _url, _time.GetUtcNow());
                            await zk.SetDataAsync(path, payload.ToBytes(), own.Stat.Version, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        var predecessor = ordered[index - 1].Name;
                        var stat = await zk.ExistsAsync(ZooKeeperPath.Combine(_electionPath, predecessor), OnWatch, cancellationToken).ConfigureAwait(false);
                        if (stat is null)
                        {
                            continue; // it left between the listing and the watch: look again
                        }

                        Watching = predecessor;
                        Transition(LeadershipState.Follower, null, candidate);
                    }
                }
                catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.ConnectionLoss or ZooKeeperErrorCode.NoNode or ZooKeeperErrorCode.BadVersion)
                {
                    // Connection loss shows up as a state change; NoNode/BadVersion mean the list moved: look again.
                    continue;
                }
                catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.ClientClosed or ZooKeeperErrorCode.AuthFailed)
                {
                    Transition(LeadershipState.Lost, null, null);
                    return;
                }

                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.ClientClosed or ZooKeeperErrorCode.AuthFailed)
        {
            Transition(LeadershipState.Lost, null, null);
        }
        finally
        {
            zk.StateChanged -= OnState;
        }
    }

    /// <summary>Records a state the session owner decides (Left on shutdown, Idle between sessions).</summary>
    public void SetState(LeadershipState state) => Transition(state, null, null);

    private static int IndexOf(IReadOnlyList<(string Name, long Sequence)> ordered, string candidate)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Name == candidate)
            {
                return i;
            }
        }

        return -1;
    }

    // Each attempt carries a fresh unique prefix, so after a ConnectionLoss the participant can tell whether its create
    // went through and never leaves an orphan candidate behind.
    private async Task<string> CreateCandidateAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var prefix = $"_c_{Guid.NewGuid():N}-n_";
        var data = new CandidatePayload(NodeId, _url, null).ToBytes();
        while (true)
        {
            try
            {
                var created = await zk.CreateAsync(ZooKeeperPath.Combine(_electionPath, prefix), data, CreateMode.EphemeralSequential, cancellationToken: cancellationToken).ConfigureAwait(false);
                var name = ZooKeeperPath.Name(created.Path);
                _logger.LogInformation("Node {NodeId} joined the election as {Znode}", NodeId, name);
                return name;
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
            {
                await zk.WaitForStateAsync(s => s == ConnectionState.Connected, cancellationToken).ConfigureAwait(false);
                var children = await zk.GetChildrenAsync(_electionPath, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (children.FirstOrDefault(c => c.StartsWith(prefix, StringComparison.Ordinal)) is { } mine)
                {
                    return mine;
                }
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                await ZooKeeperPaths.EnsureAsync(zk, _electionPath, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Transition(LeadershipState state, long? epoch, string? znode)
    {
        LeadershipChange change;
        lock (_lock)
        {
            if (_state == state && _epoch == epoch && _znode == znode)
            {
                return;
            }

            _state = state;
            _epoch = epoch;
            _znode = znode;
            change = new LeadershipChange(state, epoch, znode, _time.GetUtcNow());
        }

        _logger.LogInformation("Node {NodeId} is now {State} (epoch {Epoch}, candidate {Znode})", NodeId, state, epoch, znode);
        LeadershipChanged?.Invoke(change);
    }
}
