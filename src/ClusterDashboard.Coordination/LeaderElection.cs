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
    private readonly LeadershipPolicy _policy;
    private readonly IReadOnlyList<Acl> _acl;
    private ZooKeeperClient? _client;
    private WakeSignal? _wake;
    private volatile bool _resignRequested;
    private LeadershipState _state = LeadershipState.Idle;
    private long? _epoch;
    private string? _znode;

    /// <param name="acl">What the candidates and the election parent are created with (default: open to anyone).</param>
    public LeaderElection(string electionPath, string nodeId, string? url, TimeProvider time, ILogger logger, LeadershipPolicy policy = LeadershipPolicy.Standard, IReadOnlyList<Acl>? acl = null)
    {
        ZooKeeperPath.Validate(electionPath);
        _electionPath = electionPath;
        _acl = acl ?? Acl.OpenUnsafe;
        _policy = policy;
        NodeId = nodeId;
        _url = url;
        _time = time;
        _logger = logger;
    }

    public event Action<LeadershipChange>? LeadershipChanged;

    public string NodeId { get; }

    public LeadershipPolicy Policy => _policy;

    /// <summary>How many times this participant was woken by a watch: its predecessor's while it follows, the queue's
    /// while it leads (the herd test counts them).</summary>
    public int WatchNotifications => Volatile.Read(ref _watchNotifications);

    private int _watchNotifications;

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

    /// <summary>When this participant last became leader; null while it does not lead.</summary>
    public DateTimeOffset? LeaderSince
    {
        get
        {
            lock (_lock)
            {
                return _state == LeadershipState.Leader ? _since : null;
            }
        }
    }

    private DateTimeOffset _since;
    private long? _sinceEpoch;

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

    /// <summary>When the predecessor this participant watched was last seen deleted.</summary>
    public DateTimeOffset? PredecessorGoneAt { get; private set; }

    /// <summary>The predecessor this participant watches while it follows.</summary>
    public string? Watching { get; private set; }

    /// <summary>Takes part in the election on <paramref name="zk"/> until its session ends or
    /// <paramref name="cancellationToken"/> fires. Returns normally when the session is over.</summary>
    public async Task RunAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        var wake = new WakeSignal();
        void OnState(ConnectionState _) => wake.Set();
        void OnPredecessor(WatchedEvent e)
        {
            if (e.Type == WatchEventType.NodeDeleted)
            {
                PredecessorGoneAt = _time.GetUtcNow();
            }

            if (e.Type != WatchEventType.None)
            {
                Interlocked.Increment(ref _watchNotifications);
            }

            wake.Set();
        }

        void OnQueue(WatchedEvent e)
        {
            if (e.Type != WatchEventType.None)
            {
                Interlocked.Increment(ref _watchNotifications);
            }

            wake.Set();
        }

        zk.StateChanged += OnState;
        _client = zk;
        _wake = wake;
        var known = new CandidateStatCache(_electionPath);
        try
        {
            Transition(LeadershipState.Joining, null, null);
            await ZooKeeperPaths.EnsureAsync(zk, _electionPath, _acl, cancellationToken).ConfigureAwait(false);
            var candidate = await JoinAsync(zk, known, cancellationToken).ConfigureAwait(false);
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
                    // Without a connection nobody can tell whether this candidate still leads: stop acting as leader now,
                    // unless the policy accepts leading until the session is known to be lost.
                    if (!(_policy == LeadershipPolicy.SessionOnly && State == LeadershipState.Leader))
                    {
                        Transition(LeadershipState.Suspended, null, candidate);
                    }

                    await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (_resignRequested)
                {
                    _resignRequested = false;
                    // Sent ahead of the delete on the same connection, so it costs no round trip: the leader's queue
                    // watch would otherwise fire on its own candidate's deletion, a second notification per failover.
                    var unwatched = StopWatchingQueueAsync(zk, OnQueue);
                    await ResignCandidateAsync(zk, candidate, cancellationToken).ConfigureAwait(false);
                    await unwatched.ConfigureAwait(false);
                    candidate = await JoinAsync(zk, known, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    // The children, the parent's create count and our own candidate in one round trip, read at one point
                    // of the server's history: the owner check below then costs nothing extra on the failover path.
                    var path = ZooKeeperPath.Combine(_electionPath, candidate);
                    var reads = await zk.MultiReadAsync([ReadOperation.GetChildren(_electionPath), ReadOperation.GetData(_electionPath), ReadOperation.GetData(path)], cancellationToken).ConfigureAwait(false);
                    if (reads.FirstOrDefault(r => r is ErrorReadResult { Error: not ZooKeeperErrorCode.NoNode }) is { } failed)
                    {
                        // Anything but a missing znode (an ACL, say) is not "gone": joining again would not help.
                        throw new ZooKeeperException(failed.Error, _electionPath);
                    }

                    if (reads is not [ChildrenReadResult children, DataReadResult parent, DataReadResult own])
                    {
                        // Our candidate is gone while the session lives (deleted by hand): queue again at the back.
                        _logger.LogWarning("Candidate {Znode} of {NodeId} disappeared; joining again", candidate, NodeId);
                        candidate = await JoinAsync(zk, known, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    // Only children numbered by ZooKeeper queue (CandidateQueue): a forged name can neither lead nor be watched.
                    var creates = CandidateQueue.CreatesOf(parent.Node.Stat);
                    var (stats, newer) = await known.ChildrenAsync(zk, children.Children, creates, cancellationToken).ConfigureAwait(false);
                    var queue = CandidateQueue.Build(stats, creates, newer);
                    var index = queue.IndexOf(candidate);
                    if (index < 0)
                    {
                        _logger.LogWarning(
                            "Candidate {Znode} of {NodeId} does not count as a candidate ({Reason}); joining again",
                            candidate,
                            NodeId,
                            queue.Foreign.FirstOrDefault(f => f.Name == candidate)?.Reason ?? "its stat could not be read");
                        candidate = await JoinAsync(zk, known, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (index == 0)
                    {
                        // Only a candidate owned by this very session may lead: after a reconnect the list can be stale.
                        if (own.Node.Stat.EphemeralOwner != zk.SessionId)
                        {
                            _logger.LogWarning("Candidate {Znode} is owned by session {Owner:x}, not ours; joining again", candidate, own.Node.Stat.EphemeralOwner);
                            candidate = await JoinAsync(zk, known, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        Watching = null;
                        Transition(LeadershipState.Leader, queue.Candidates[0].Sequence, candidate);

                        // The leader watches the queue itself (after taking over, so the failover does not wait for it):
                        // its own candidate deleted behind its back, or a child that changes who counts as a candidate,
                        // makes it look again at once. A change between the read above and this watch shows as a
                        // different listing: look again now.
                        var watched = await zk.GetChildrenAsync(_electionPath, OnQueue, cancellationToken).ConfigureAwait(false);
                        if (!SameNames(watched, children.Children))
                        {
                            continue;
                        }
                    }
                    else
                    {
                        var predecessor = queue.Candidates[index - 1].Name;
                        var stat = await zk.ExistsAsync(ZooKeeperPath.Combine(_electionPath, predecessor), OnPredecessor, cancellationToken).ConfigureAwait(false);
                        if (stat is null)
                        {
                            continue; // it left between the listing and the watch: look again
                        }

                        Watching = predecessor;
                        Transition(LeadershipState.Follower, null, candidate);
                    }

                    // Off the failover path: learn the names this pass left out, so the next pass knows them.
                    await known.CatchUpAsync(zk, cancellationToken).ConfigureAwait(false);
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
            // A leader that leaves with its session still open (a shutdown) takes its queue watch along first.
            if (zk.State == ConnectionState.Connected)
            {
                await StopWatchingQueueAsync(zk, OnQueue).ConfigureAwait(false);
            }

            zk.StateChanged -= OnState;
            _client = null;
            _wake = null;
        }
    }

    private async Task StopWatchingQueueAsync(ZooKeeperClient zk, Action<WatchedEvent> watcher)
    {
        try
        {
            await zk.RemoveWatchesAsync(_electionPath, WatcherType.Children, watcher, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (ZooKeeperException)
        {
            // None was set (this participant did not lead), or the connection is going: nothing left to remove.
        }
    }

    /// <summary>The leader gives up and queues again at the back: the next candidate takes over at once.</summary>
    public void Resign()
    {
        if (State != LeadershipState.Leader)
        {
            throw new NotLeaderException($"{NodeId} cannot resign: it is {State}, not leader.");
        }

        _resignRequested = true;
        _wake?.Set();
    }

    /// <summary>
    /// Writes only while this participant's own candidate znode exists: the operations run in one multi after a
    /// check of that znode, so a stale leader (its session expired, a successor elected) cannot write. A failed check
    /// means leadership is gone: the participant steps down before the caller hears of it.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> FencedMultiAsync(IEnumerable<Operation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var zk = _client;
        var candidate = Znode;
        if (State != LeadershipState.Leader || zk is null || candidate is null)
        {
            throw new NotLeaderException($"{NodeId} does not lead (it is {State}); the write was not sent.");
        }

        try
        {
            return await zk.MultiAsync([Operation.Check(ZooKeeperPath.Combine(_electionPath, candidate)), .. operations], cancellationToken).ConfigureAwait(false);
        }
        catch (MultiOperationException e) when (e.FailedIndex == 0)
        {
            _logger.LogWarning("Fenced write by {NodeId} refused: its candidate {Znode} is gone; stepping down", NodeId, candidate);
            Transition(LeadershipState.Lost, null, null);
            _wake?.Set();
            throw new NotLeaderException($"{NodeId}'s leadership is stale: its candidate {candidate} no longer exists, so the write was refused.", e);
        }
        catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.ClientClosed)
        {
            Transition(LeadershipState.Lost, null, null);
            throw new NotLeaderException($"{NodeId}'s session is gone, so the write was refused.", e);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
        {
            // Leadership can no longer be confirmed: under the standard policy stop acting as leader until the loop
            // has checked again. If the write did reach the server, it was applied while the candidate still existed,
            // which the fence allows.
            if (_policy == LeadershipPolicy.Standard)
            {
                Transition(LeadershipState.Suspended, null, candidate);
            }

            _wake?.Set();
            throw new NotLeaderException($"{NodeId} lost its connection during a fenced write: leadership is unconfirmed and the write may or may not have been applied.", e);
        }
    }

    private async Task ResignCandidateAsync(ZooKeeperClient zk, string candidate, CancellationToken cancellationToken)
    {
        _logger.LogInformation("Node {NodeId} resigns: candidate {Znode} leaves the queue", NodeId, candidate);
        Transition(LeadershipState.Follower, null, null);
        try
        {
            await zk.DeleteAsync(ZooKeeperPath.Combine(_electionPath, candidate), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
        }
    }

    /// <summary>Records a state the session owner decides (Left on shutdown, Idle between sessions).</summary>
    public void SetState(LeadershipState state) => Transition(state, null, null);

    private static bool SameNames(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.ToHashSet(StringComparer.Ordinal).SetEquals(b);

    // A new candidate was created after everything the cache knows: it must learn the queue afresh.
    private async Task<string> JoinAsync(ZooKeeperClient zk, CandidateStatCache known, CancellationToken cancellationToken)
    {
        var candidate = await CreateCandidateAsync(zk, cancellationToken).ConfigureAwait(false);
        known.Clear();
        return candidate;
    }

    // Each attempt carries a fresh unique prefix, so after a ConnectionLoss the participant can tell whether its create
    // went through and never leaves an orphan candidate behind.
    private async Task<string> CreateCandidateAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var prefix = $"_c_{Guid.NewGuid():N}-n_";
        var data = new CandidatePayload(NodeId, _url).ToBytes();
        while (true)
        {
            try
            {
                var created = await zk.CreateAsync(ZooKeeperPath.Combine(_electionPath, prefix), data, CreateMode.EphemeralSequential, _acl, cancellationToken: cancellationToken).ConfigureAwait(false);
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
                await ZooKeeperPaths.EnsureAsync(zk, _electionPath, _acl, cancellationToken).ConfigureAwait(false);
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

            change = new LeadershipChange(state, epoch, znode, _time.GetUtcNow());
            // Resuming after a suspension with the same candidate is the same term: "since" stays.
            if (state == LeadershipState.Leader && _sinceEpoch != epoch)
            {
                _since = change.At;
                _sinceEpoch = epoch;
            }

            _state = state;
            _epoch = epoch;
            _znode = znode;
        }

        _logger.LogInformation("Node {NodeId} is now {State} (epoch {Epoch}, candidate {Znode})", NodeId, state, epoch, znode);
        LeadershipChanged?.Invoke(change);
    }
}
