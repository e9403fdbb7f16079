using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// The election recipe: an EPHEMERAL_SEQUENTIAL candidate under the election path, the lowest sequence leads (read as
/// the oldest: the order of creation, which for ZooKeeper's numbers is the same and which no name can fake, see
/// <see cref="CandidateQueue"/>), and every other candidate watches only its predecessor, so one departure wakes one
/// participant. The leader watches the queue and its own candidate, and holds a <see cref="LeaderLease"/>: it stops
/// acting the moment its candidate goes, and at the latest two thirds of a session timeout after ZooKeeper last
/// answered it. Run once per session; the state survives sessions so observers see one continuous history.
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
    private readonly string _sessionsPath;
    private ZooKeeperClient? _client;
    private WakeSignal? _wake;
    private volatile bool _resignRequested;
    private LeadershipState _state = LeadershipState.Idle;
    private long? _epoch;
    private string? _znode;

    // Which run of the loop may still change the state: a decision from outside (a crash, a leave, a shutdown) ends the
    // current run's say, so a pass that was already under way cannot overwrite it.
    private long _run;

    /// <param name="acl">What the candidates and the election parent are created with (default: open to anyone).</param>
    /// <param name="sessionsPath">Where each participant session keeps its <see cref="SessionMarker"/> (default: the
    /// election path with "-sessions" appended).</param>
    public LeaderElection(string electionPath, string nodeId, string? url, TimeProvider time, ILogger logger, LeadershipPolicy policy = LeadershipPolicy.Standard, IReadOnlyList<Acl>? acl = null, string? sessionsPath = null)
    {
        ZooKeeperPath.Validate(electionPath);
        _electionPath = electionPath;
        _sessionsPath = sessionsPath ?? SessionMarker.DefaultPathFor(electionPath);
        ZooKeeperPath.Validate(_sessionsPath);
        _acl = acl ?? Acl.OpenUnsafe;
        _policy = policy;
        NodeId = nodeId;
        _url = url;
        _time = time;
        _logger = logger;
    }

    public event Action<LeadershipChange>? LeadershipChanged;

    /// <summary>How long a resigned leader waits before it queues again at the back (default: not at all). Its new
    /// candidate's commit and the notifications it sets off (the new leader watches the queue) would otherwise land
    /// in the very moment the successor takes over and every view hears of it.</summary>
    public TimeSpan RejoinDelay { get; init; }

    public string NodeId { get; }

    public LeadershipPolicy Policy => _policy;

    /// <summary>How many times this participant was woken by a change of a znode it watches: its predecessor's while it
    /// follows, the queue's or its own candidate's while it leads (the herd tests count them).</summary>
    public int WatchNotifications => Volatile.Read(ref _watchNotifications);

    private int _watchNotifications;

    /// <summary>The state and the token from one moment. Leader only while the lease holds: a leader whose lease ran
    /// out reads as Suspended, without its token, at once, even before its timer has announced it.</summary>
    public LeadershipTerm Term
    {
        get
        {
            lock (_lock)
            {
                return _state != LeadershipState.Leader ? new(_state, null)
                    : LeaseHolds() ? new(LeadershipState.Leader, _epoch) { Since = _since }
                    : new(LeadershipState.Suspended, null);
            }
        }
    }

    public LeadershipState State => Term.State;

    /// <summary>The fencing token while this participant leads (and its lease holds): the zxid of its candidate's
    /// creation.</summary>
    public long? Epoch => Term.Epoch;

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
        long run;
        lock (_lock)
        {
            run = ++_run;
            _client = zk;
            _wake = wake;
        }

        void OnState(ConnectionState _) => wake.Set();
        string? predecessorWatched = null; // the predecessor whose watch is set; a watch that fired or was removed is gone
        void OnPredecessor(WatchedEvent e)
        {
            if (e.Type == WatchEventType.NodeDeleted)
            {
                PredecessorGoneAt = _time.GetUtcNow();
            }

            if (e.Type != WatchEventType.None && e.Path is { } watched && ZooKeeperPath.Name(watched) == predecessorWatched)
            {
                predecessorWatched = null;
            }

            Notified(e);
        }

        void OnQueue(WatchedEvent e) => Notified(e);

        void Notified(WatchedEvent e)
        {
            // A change of a znode; not the connection's state, nor a watch this participant removed itself.
            if (e.Type is WatchEventType.NodeCreated or WatchEventType.NodeDeleted or WatchEventType.NodeDataChanged or WatchEventType.NodeChildrenChanged)
            {
                Interlocked.Increment(ref _watchNotifications);
            }

            wake.Set();
        }

        // One delegate each, so a watch set again on the next pass is the same watcher, not one more.
        Action<WatchedEvent> onPredecessor = OnPredecessor;
        Action<WatchedEvent> onQueue = OnQueue;
        string? candidate = null;
        string? ownWatched = null; // the candidate whose own watch is set; a watch that fired is set again
        void OnOwnCandidate(WatchedEvent e)
        {
            if (e.Type != WatchEventType.None)
            {
                ownWatched = null;
            }

            // Deleted behind our back: stop leading now, in the notification itself, before a successor can read it.
            if (e.Type == WatchEventType.NodeDeleted && e.Path is { } path && ZooKeeperPath.Name(path) is var gone
                && Transition(run, LeadershipState.Joining, null, null, from: s => s is LeadershipState.Leader or LeadershipState.Suspended, only: gone))
            {
                _logger.DeletedWhileLeading(path, NodeId, LogHex.Of(zk.SessionId));
            }

            Notified(e);
        }

        Action<WatchedEvent> onOwnCandidate = OnOwnCandidate;
        Action<WatchedEvent> onRelease = Notified;

        // Our candidate's own watch, once per candidate (a watch stays until it fires); noted before it is sent, so a
        // watch that fires at once is set again on the next pass.
        Task WatchOwn()
        {
            if (ownWatched == candidate || candidate is null)
            {
                return Task.CompletedTask;
            }

            ownWatched = candidate;
            return zk.GetDataAsync(ZooKeeperPath.Combine(_electionPath, candidate), onOwnCandidate, cancellationToken);
        }

        // A predecessor watch still set on a candidate that is no longer our predecessor (ours queued again behind
        // others, or we lead now) would wake us when that candidate goes, as one of a herd: it is removed, off the
        // failover path, since a predecessor usually ends its own watch by going.
        Task ForgetPredecessor(string? keep)
        {
            if (predecessorWatched is not { } stale || stale == keep)
            {
                return Task.CompletedTask;
            }

            predecessorWatched = null;
            return RemoveWatchAsync(zk, ZooKeeperPath.Combine(_electionPath, stale), WatcherType.Data, onPredecessor);
        }
        var marker = SessionMarker.PathOf(_sessionsPath, zk.SessionId);

        // Every session that may have been ahead of our candidate, each with the newest candidate it had then: the ones
        // that may still believe they lead when ours reaches the head. Seeded on our candidate's first look from the
        // markers (a session whose candidate was gone already), then added to on every pass, never replaced: a session
        // a pass no longer lists may still be unaware its candidate went. Null until our candidate's first look.
        List<(long Owner, long Czxid)>? ahead = null;
        using var lease = new LeaderLease(_time, ranOut =>
        {
            var leading = Znode;
            if (Transition(run, LeadershipState.Suspended, null, leading, from: s => s == LeadershipState.Leader, only: leading, at: ranOut))
            {
                _logger.LeaseRanOut(NodeId, zk.SessionTimeout * LeaderLease.Fraction, LogHex.Of(zk.SessionId));
            }

            wake.Set();
        });
        zk.StateChanged += OnState;
        var known = new CandidateStatCache(_electionPath);
        try
        {
            Transition(run, LeadershipState.Joining, null, null);
            await ZooKeeperPaths.EnsureAsync(zk, _electionPath, _acl, cancellationToken).ConfigureAwait(false);
            await ZooKeeperPaths.EnsureAsync(zk, _sessionsPath, _acl, cancellationToken).ConfigureAwait(false);
            await CreateMarkerAsync(zk, marker, cancellationToken).ConfigureAwait(false);
            candidate = await JoinAsync(zk, known, marker, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var connection = zk.State;
                if (connection is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed)
                {
                    Transition(run, LeadershipState.Lost, null, null);
                    return;
                }

                if (connection != ConnectionState.Connected)
                {
                    // Without a connection nobody can tell whether this candidate still leads: stop acting as leader now,
                    // unless the policy accepts leading on, which the lease still ends in time.
                    if (!(_policy == LeadershipPolicy.SessionOnly && State == LeadershipState.Leader))
                    {
                        Transition(run, LeadershipState.Suspended, null, candidate);
                    }

                    await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    if (_resignRequested)
                    {
                        // Sent ahead of the delete on the same connection, so they cost no round trip: the leader's watches
                        // would otherwise fire on its own candidate's deletion, notifications nobody needs.
                        ownWatched = null;
                        var unwatched = StopWatchingAsync(zk, candidate, onQueue, onOwnCandidate);
                        await ResignCandidateAsync(zk, run, candidate, marker, cancellationToken).ConfigureAwait(false);
                        await unwatched.ConfigureAwait(false);
                        // Only once it went through: a resign cut short by a lost connection is tried again after it.
                        _resignRequested = false;
                        await Task.Delay(RejoinDelay, _time, cancellationToken).ConfigureAwait(false);

                        candidate = await JoinAsync(zk, known, marker, cancellationToken).ConfigureAwait(false);
                        ahead = null;
                        continue;
                    }

                    // The children, the parent's create count and our own candidate in one round trip, read at one point
                    // of the server's history: the owner check below then costs nothing extra on the failover path. So
                    // do the markers of the few sessions that were ahead of us, should we turn out to lead now.
                    var path = ZooKeeperPath.Combine(_electionPath, candidate);
                    var markersAhead = ahead is { Count: > 0 and <= MarkersReadAlong } ? Owners(ahead) : [];
                    var reads = await zk.MultiReadAsync(
                        [ReadOperation.GetChildren(_electionPath), ReadOperation.GetData(_electionPath), ReadOperation.GetData(path), .. markersAhead.Select(o => ReadOperation.GetData(SessionMarker.PathOf(_sessionsPath, o.Owner)))],
                        cancellationToken).ConfigureAwait(false);
                    if (reads.Take(3).FirstOrDefault(r => r is ErrorReadResult { Error: not ZooKeeperErrorCode.NoNode }) is { } failed)
                    {
                        // Anything but a missing znode (an ACL, say) is not "gone": joining again would not help.
                        throw new ZooKeeperException(failed.Error, _electionPath);
                    }

                    if (reads is not [ChildrenReadResult children, DataReadResult parent, DataReadResult own, ..])
                    {
                        // Our candidate is gone while the session lives (deleted by hand): queue again at the back.
                        _logger.Disappeared(path, NodeId, LogHex.Of(zk.SessionId));
                        candidate = await RejoinAsync(zk, run, known, marker, cancellationToken).ConfigureAwait(false);
                        ahead = null;
                        continue;
                    }

                    // The queue is creation order (CandidateQueue): a name cannot put a child ahead of one made before it.
                    // The create count tells the cache whether the names it knows still stand for the znodes it read.
                    var creates = CandidateQueue.CreatesOf(parent.Node.Stat);
                    var (stats, _) = await known.ChildrenAsync(zk, children.Children, creates, cancellationToken).ConfigureAwait(false);

                    // Another candidate of this very session (a create retried after a lost connection that landed after
                    // all) would reach the head of the queue one day with nobody to lead for it: it goes.
                    if (stats.Where(c => c.EphemeralOwner == zk.SessionId && c.Name != candidate).Select(c => c.Name).ToList() is [_, ..] strays)
                    {
                        await RemoveOwnAsync(zk, strays, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var queue = CandidateQueue.Build(stats);
                    var index = queue.IndexOf(candidate);
                    if (index < 0)
                    {
                        _logger.DoesNotCount(path, NodeId, queue.Foreign.FirstOrDefault(f => f.Name == candidate)?.Reason ?? "its stat could not be read");
                        candidate = await RejoinAsync(zk, run, known, marker, cancellationToken).ConfigureAwait(false);
                        ahead = null;
                        continue;
                    }

                    // Our candidate's first look: the sessions whose candidates were ahead of it but are gone already, should
                    // they not know it yet.
                    var seeded = ahead is null;
                    ahead ??= await GoneHoldersAsync(zk, stats, own.Node.Stat.Czxid, marker, cancellationToken).ConfigureAwait(false);

                    if (index == 0)
                    {
                        // Only a candidate owned by this very session may lead: after a reconnect the list can be stale.
                        if (own.Node.Stat.EphemeralOwner != zk.SessionId)
                        {
                            _logger.OwnedByAnother(path, NodeId, LogHex.Of(own.Node.Stat.EphemeralOwner), LogHex.Of(zk.SessionId));
                            candidate = await RejoinAsync(zk, run, known, marker, cancellationToken).ConfigureAwait(false);
                            ahead = null;
                            continue;
                        }

                        // Every session that was ahead of us has let go of its candidate, or ended: none may still believe
                        // it leads (SessionMarker). Usually known from the reads above; otherwise wait for their word.
                        var holding = seeded ? ahead : await StillHoldingAsync(zk, ahead, markersAhead, reads.Skip(3).ToList(), cancellationToken).ConfigureAwait(false);
                        if (holding.Count > 0)
                        {
                            // From now on these are the sessions to wait for. A marker written between the read above and
                            // its watch shows in what the watch's read returns: then look again at once. Our own candidate
                            // is watched meanwhile too, so its deletion is not lost on a waiting head.
                            ahead = holding;
                            var ownWatch = WatchOwn();
                            var watched = await Task.WhenAll(holding.Select(h => zk.GetDataAsync(SessionMarker.PathOf(_sessionsPath, h.Owner), onRelease, cancellationToken))).ConfigureAwait(false);
                            await ownWatch.ConfigureAwait(false);
                            if (!watched.Select((m, i) => SessionMarker.MayStillHold(m, holding[i].Owner, holding[i].Czxid)).All(h => h))
                            {
                                continue;
                            }

                            Watching = null;
                            if (Transition(run, LeadershipState.Follower, null, candidate))
                            {
                                _logger.WaitsForHolders(path, NodeId, string.Join(",", holding.Select(h => LogHex.Of(h.Owner))));
                            }

                            await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        ahead = [];

                        // The read that said so was answered just now, so the lease has most of its time left; if it has
                        // none (a pass slowed by a pause), look again rather than lead on a stale answer.
                        if (LeaderLease.Remaining(zk) <= TimeSpan.Zero)
                        {
                            continue;
                        }

                        Watching = null;
                        Transition(run, LeadershipState.Leader, queue.Candidates[0].Czxid, candidate);
                        lease.Hold(zk);

                        // The leader watches its own candidate and the queue (after taking over, so the failover does not
                        // wait for them): its candidate deleted behind its back ends its leadership in that very
                        // notification, and a child that changes who counts as a candidate makes it look again. A change
                        // between the read above and these watches shows as a different listing, or as NoNode: look again.
                        var watchQueue = zk.GetChildrenAsync(_electionPath, onQueue, cancellationToken);
                        ownWatched = candidate;
                        var watchOwn = zk.GetDataAsync(path, onOwnCandidate, cancellationToken);
                        await Task.WhenAll(watchQueue, watchOwn, ForgetPredecessor(null)).ConfigureAwait(false);
                        if (!SameNames(await watchQueue.ConfigureAwait(false), children.Children))
                        {
                            continue;
                        }
                    }
                    else
                    {
                        // getData, not exists: a predecessor gone already leaves no watch behind on a name that is never
                        // created again (exists would, and re-arm it on every reconnect).
                        // A follower watches its own candidate too, once per candidate (the watch stays until it fires), sent
                        // along on the same round trip: deleted from outside, it would otherwise queue for nothing until
                        // its predecessor moved, reporting itself a follower while not in the election at all.
                        var predecessor = queue.Candidates[index - 1].Name;
                        var watchOwn = WatchOwn();
                        var forgotten = ForgetPredecessor(predecessor);
                        predecessorWatched = predecessor;
                        await WatchPredecessorAsync(zk, _electionPath, predecessor, onPredecessor, onQueue, cancellationToken).ConfigureAwait(false);
                        await Task.WhenAll(watchOwn, forgotten).ConfigureAwait(false);
                        var owners = stats.ToDictionary(c => c.Name, c => c.EphemeralOwner, StringComparer.Ordinal);
                        // A session whose marker, read along, says it let go (or ended) can never hold again: markers only
                        // move forward. Dropping it now keeps the list short enough to be read along when this one leads.
                        var letGo = reads.Count == 3 + markersAhead.Count
                            ? markersAhead.Where((o, i) => !SessionMarker.MayStillHold(reads[3 + i], o.Owner, o.Czxid)).Select(o => o.Owner).ToHashSet()
                            : [];
                        ahead = Owners([.. ahead.Where(a => !letGo.Contains(a.Owner)), .. queue.Candidates.Take(index).Select(c => (Owner: owners[c.Name], c.Czxid)).Where(c => c.Owner != zk.SessionId)]);
                        Watching = predecessor;
                        Transition(run, LeadershipState.Follower, null, candidate);
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
                    Transition(run, LeadershipState.Lost, null, null);
                    return;
                }

                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.ClientClosed or ZooKeeperErrorCode.AuthFailed)
        {
            Transition(run, LeadershipState.Lost, null, null);
        }
        finally
        {
            // A leader that leaves with its session still open (a shutdown) takes its watches along first.
            if (zk.State == ConnectionState.Connected && candidate is not null)
            {
                await Task.WhenAll(StopWatchingAsync(zk, candidate, onQueue, onOwnCandidate), ForgetPredecessor(null)).ConfigureAwait(false);
            }

            zk.StateChanged -= OnState;
            lock (_lock)
            {
                if (_client == zk)
                {
                    _client = null;
                    _wake = null;
                }
            }
        }
    }

    private Task StopWatchingAsync(ZooKeeperClient zk, string candidate, Action<WatchedEvent> onQueue, Action<WatchedEvent> onOwnCandidate) =>
        Task.WhenAll(
            RemoveWatchAsync(zk, _electionPath, WatcherType.Children, onQueue),
            RemoveWatchAsync(zk, ZooKeeperPath.Combine(_electionPath, candidate), WatcherType.Data, onOwnCandidate));

    // getData, not exists: a predecessor gone already leaves no watch behind (see the caller). One this session may not
    // read (an ACL someone else set) refuses getData and its watch; and ZooKeeper delivers no event of a znode to a
    // session that may not read it, whatever the watch. So the queue is watched instead, as the leader watches it: its
    // listing needs no permission on the children, and the predecessor's going changes it. Not listed any more: look
    // again (NoNode).
    private static async Task WatchPredecessorAsync(ZooKeeperClient zk, string electionPath, string predecessor, Action<WatchedEvent> watcher, Action<WatchedEvent> queueWatcher, CancellationToken cancellationToken)
    {
        var path = ZooKeeperPath.Combine(electionPath, predecessor);
        try
        {
            await zk.GetDataAsync(path, watcher, cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoAuth)
        {
            if (!(await zk.GetChildrenAsync(electionPath, queueWatcher, cancellationToken).ConfigureAwait(false)).Contains(predecessor))
            {
                throw new ZooKeeperException(ZooKeeperErrorCode.NoNode, path);
            }
        }
    }

    private static async Task RemoveWatchAsync(ZooKeeperClient zk, string path, WatcherType type, Action<WatchedEvent> watcher)
    {
        try
        {
            await zk.RemoveWatchesAsync(path, type, watcher, cancellationToken: CancellationToken.None).ConfigureAwait(false);
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
        WakeSignal? wake;
        lock (_lock)
        {
            wake = _wake;
        }

        wake?.Set();
    }

    /// <summary>
    /// Writes only while this participant's own candidate znode exists: the operations run in one multi after a
    /// check of that znode, so a stale leader (its session expired, a successor elected) cannot write. Nothing is sent
    /// unless it leads with its lease holding. A failed check means leadership is gone: the participant steps down
    /// before the caller hears of it.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> FencedMultiAsync(IEnumerable<Operation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ZooKeeperClient zk;
        string candidate;
        long run;
        WakeSignal? wake;
        lock (_lock)
        {
            // One look at state, session and candidate together: never a candidate of one term with a client of another.
            if (_state != LeadershipState.Leader || _client is null || _znode is null || !LeaseHolds())
            {
                throw new NotLeaderException($"{NodeId} does not lead (it is {(_state == LeadershipState.Leader ? LeadershipState.Suspended : _state)}); the write was not sent.");
            }

            zk = _client;
            candidate = _znode;
            run = _run;
            wake = _wake;
        }

        try
        {
            return await zk.MultiAsync([Operation.Check(ZooKeeperPath.Combine(_electionPath, candidate)), .. operations], cancellationToken).ConfigureAwait(false);
        }
        catch (MultiOperationException e) when (e.FailedIndex == 0)
        {
            _logger.FencedWriteRefused(NodeId, ZooKeeperPath.Combine(_electionPath, candidate), LogHex.Of(zk.SessionId));
            Transition(run, LeadershipState.Joining, null, null, from: s => s is LeadershipState.Leader or LeadershipState.Suspended, only: candidate);
            wake?.Set();
            throw new NotLeaderException($"{NodeId}'s leadership is stale: its candidate {candidate} no longer exists, so the write was refused.", e);
        }
        catch (ZooKeeperException e) when (e.Code is ZooKeeperErrorCode.SessionExpired or ZooKeeperErrorCode.ClientClosed)
        {
            Transition(run, LeadershipState.Lost, null, null, only: candidate);
            throw new NotLeaderException($"{NodeId}'s session is gone, so the write was refused.", e);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
        {
            // Leadership can no longer be confirmed: under the standard policy stop acting as leader until the loop
            // has checked again (the lease bounds the other policy). Only a leader steps down to Suspended: a session the
            // loop already declared lost stays lost. If the write did reach the server, it was applied while the
            // candidate still existed, which the fence allows.
            if (_policy == LeadershipPolicy.Standard)
            {
                Transition(run, LeadershipState.Suspended, null, candidate, from: s => s == LeadershipState.Leader, only: candidate);
            }

            wake?.Set();
            throw new NotLeaderException($"{NodeId} lost its connection during a fenced write: leadership is unconfirmed and the write may or may not have been applied.", e);
        }
    }

    // Steps down first, then deletes the candidate and says so in the session's marker, in one multi: the successor
    // reads both in one state of the server, so a resignation costs it no wait.
    private async Task ResignCandidateAsync(ZooKeeperClient zk, long run, string candidate, string marker, CancellationToken cancellationToken)
    {
        _logger.Resigns(NodeId, ZooKeeperPath.Combine(_electionPath, candidate));
        Transition(run, LeadershipState.Follower, null, null);
        try
        {
            await zk.MultiAsync([Operation.Delete(ZooKeeperPath.Combine(_electionPath, candidate)), Operation.SetData(marker, SessionMarker.Data(SessionMarker.Released))], cancellationToken).ConfigureAwait(false);
        }
        catch (MultiOperationException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            // The candidate or the marker is gone already: delete what is left, and say so.
            if (e.FailedIndex == 1)
            {
                await DeleteIfThereAsync(zk, ZooKeeperPath.Combine(_electionPath, candidate), cancellationToken).ConfigureAwait(false);
            }

            await ReleaseAsync(zk, marker, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task DeleteIfThereAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        try
        {
            await zk.DeleteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
        }
    }

    // The session's marker, made once per session before its first candidate: "released", it holds nothing yet.
    private async Task CreateMarkerAsync(ZooKeeperClient zk, string marker, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await zk.CreateAsync(marker, SessionMarker.Data(SessionMarker.Released), CreateMode.Ephemeral, _acl, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode && attempt < 3)
            {
                // The sessions parent was deleted by hand: make it again.
                await ZooKeeperPaths.EnsureAsync(zk, _sessionsPath, _acl, cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NodeExists)
            {
                // Ours already, from a create whose answer a lost connection took. Anything else at our name is not our
                // word: it goes, and ours is made.
                var stat = await zk.ExistsAsync(marker, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (stat is null)
                {
                    continue;
                }

                if (stat.EphemeralOwner == zk.SessionId || attempt >= 3)
                {
                    // Ours; or a forger who keeps making it again, which successors do not count as our word anyway.
                    return;
                }

                _logger.MarkerReplaced(marker, NodeId, LogHex.Of(stat.EphemeralOwner), LogHex.Of(zk.SessionId));
                await DeleteIfThereAsync(zk, marker, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // This session no longer leads with any candidate it made so far; a successor waiting for that hears it now.
    private async Task ReleaseAsync(ZooKeeperClient zk, string marker, CancellationToken cancellationToken)
    {
        try
        {
            await zk.SetDataAsync(marker, SessionMarker.Data(SessionMarker.Released), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            // Deleted by hand: made again, which says the same.
            await CreateMarkerAsync(zk, marker, cancellationToken).ConfigureAwait(false);
        }
    }

    // How many sessions' markers a pass reads along with the queue; a successor from further back reads them after, one
    // round trip more on its failover. 16 covers a rotation through 17 participants, where every other session has
    // been ahead of a successor at some time.
    private const int MarkersReadAlong = 16;

    private static List<(long Owner, long Czxid)> Owners(List<(long Owner, long Czxid)> ahead) =>
        ahead.GroupBy(a => a.Owner).Select(g => (g.Key, g.Max(a => a.Czxid))).ToList();

    /// <summary>Of <paramref name="ahead"/>, the sessions that may still believe they lead, now that ours heads the
    /// queue: those that have neither let go of the candidate they had ahead of ours nor ended.</summary>
    private async Task<List<(long Owner, long Czxid)>> StillHoldingAsync(
        ZooKeeperClient zk,
        List<(long Owner, long Czxid)> ahead,
        List<(long Owner, long Czxid)> readAlong,
        List<ReadOperationResult> markerReads,
        CancellationToken cancellationToken)
    {
        var owners = Owners(ahead);
        if (owners.Count == 0)
        {
            return [];
        }

        // Read along with the queue when they were few; otherwise now.
        var results = readAlong.SequenceEqual(owners) && markerReads.Count == owners.Count
            ? markerReads
            : await zk.MultiReadAsync(owners.Select(o => ReadOperation.GetData(SessionMarker.PathOf(_sessionsPath, o.Owner))), cancellationToken).ConfigureAwait(false);
        return owners.Where((o, i) => SessionMarker.MayStillHold(results[i], o.Owner, o.Czxid)).ToList();
    }

    /// <summary>On a candidate's first look at the queue: the sessions whose markers say they hold a candidate made
    /// before ours (created at <paramref name="ownCzxid"/>) that the queue no longer lists. Any of them may have led,
    /// and may not know yet that its candidate is gone.</summary>
    private async Task<List<(long Owner, long Czxid)>> GoneHoldersAsync(ZooKeeperClient zk, IReadOnlyList<ElectionChild> listed, long ownCzxid, string ownMarker, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names;
        try
        {
            names = await zk.GetChildrenAsync(_sessionsPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            // Deleted by hand, markers and all: nobody's marker can say it holds anything. Ours comes back on our next join.
            return [];
        }

        var czxids = listed.Select(c => c.Czxid).ToHashSet();
        var others = names.Where(SessionMarker.IsSessionName).Select(n => ZooKeeperPath.Combine(_sessionsPath, n)).Where(m => m != ownMarker).ToList();
        var holders = new List<(long Owner, long Czxid)>();
        foreach (var batch in others.Chunk(MarkersPerRead))
        {
            var reads = await zk.MultiReadAsync(batch.Select(ReadOperation.GetData), cancellationToken).ConfigureAwait(false);
            holders.AddRange(batch.Zip(reads)
                .Where(m => m.Second is DataReadResult d && SessionMarker.HoldsAGoneCandidate(m.First, d.Node, czxids, ownCzxid))
                .Select(m => (((DataReadResult)m.Second).Node.Stat.EphemeralOwner, ((DataReadResult)m.Second).Node.Stat.Mzxid)));
        }

        return holders;
    }

    // How many markers one read takes: well inside the server's request and reply limits.
    private const int MarkersPerRead = 256;

    /// <summary>Records a state the session owner decides (Left on shutdown or a leave, Lost on a crash, Idle between
    /// sessions). It ends the running loop's say over the state: a pass under way cannot overwrite it.</summary>
    public void SetState(LeadershipState state)
    {
        long run;
        lock (_lock)
        {
            run = ++_run;
        }

        Transition(run, state, null, null);
    }

    private static bool SameNames(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.ToHashSet(StringComparer.Ordinal).SetEquals(b);

    // Our candidate is gone or does not count: stop leading first, say so, then queue again at the back.
    private async Task<string> RejoinAsync(ZooKeeperClient zk, long run, CandidateStatCache known, string marker, CancellationToken cancellationToken)
    {
        Transition(run, LeadershipState.Joining, null, null);
        await ReleaseAsync(zk, marker, cancellationToken).ConfigureAwait(false);
        return await JoinAsync(zk, known, marker, cancellationToken).ConfigureAwait(false);
    }

    // A new candidate was created after everything the cache knows: it must learn the queue afresh. Any other candidate
    // this session still owns (a create that landed after its connection was lost, a resign whose delete did not) is
    // removed: one session, one place in the queue. Should that fail for a lost connection, the passes find the stray
    // by its owner in the stats they read.
    private async Task<string> JoinAsync(ZooKeeperClient zk, CandidateStatCache known, string marker, CancellationToken cancellationToken)
    {
        var candidate = await CreateCandidateAsync(zk, marker, cancellationToken).ConfigureAwait(false);
        known.Clear();
        try
        {
            var mine = await zk.GetEphemeralsAsync(_electionPath + "/", cancellationToken).ConfigureAwait(false);
            var others = mine.Where(p => ZooKeeperPath.Parent(p) == _electionPath).Select(ZooKeeperPath.Name).Where(n => n != candidate).ToList();
            if (others.Count > 0)
            {
                await RemoveOwnAsync(zk, others, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
        {
        }

        return candidate;
    }

    private async Task RemoveOwnAsync(ZooKeeperClient zk, List<string> names, CancellationToken cancellationToken)
    {
        _logger.RemovesOwnStrays(NodeId, names.Count, LogHex.Of(zk.SessionId), string.Join(",", names));
        await Task.WhenAll(names.Select(async name =>
        {
            try
            {
                await zk.DeleteAsync(ZooKeeperPath.Combine(_electionPath, name), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
            }
        })).ConfigureAwait(false);
    }

    // One prefix for the whole join, unique to it: after a ConnectionLoss the participant can tell whether its create
    // went through. One that lands after the look-up anyway is this session's, and goes (JoinAsync, the passes). The
    // candidate is created in one multi with the session's marker set to "held", so the marker's mzxid is its czxid.
    private async Task<string> CreateCandidateAsync(ZooKeeperClient zk, string marker, CancellationToken cancellationToken)
    {
        var prefix = $"_c_{Guid.NewGuid():N}-n_";
        var data = new CandidatePayload(NodeId, _url).ToBytes();
        var lookUp = false;
        while (true)
        {
            try
            {
                if (lookUp)
                {
                    await zk.WaitForStateAsync(s => s == ConnectionState.Connected, cancellationToken).ConfigureAwait(false);
                    var children = await zk.GetChildrenAsync(_electionPath, cancellationToken: cancellationToken).ConfigureAwait(false);
                    // Of several of our creates that landed, the last one (the highest number) is the one the marker's
                    // write went with; the others are strays the passes remove.
                    if (children.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).MaxBy(SequenceNumber.Parse) is { } mine)
                    {
                        return mine;
                    }

                    lookUp = false;
                }

                var results = await zk.MultiAsync(
                    [Operation.Create(ZooKeeperPath.Combine(_electionPath, prefix), data, CreateMode.EphemeralSequential, _acl), Operation.SetData(marker, SessionMarker.Data(SessionMarker.Held))],
                    cancellationToken).ConfigureAwait(false);
                var created = ((CreateOperationResult)results[0]).Path;
                // The server answers a create inside a multi without its stat; the marker's write in the same multi has
                // the same zxid, the candidate's czxid (its epoch, should it lead).
                _logger.Joined(NodeId, created, LogHex.Of(zk.SessionId), LogHex.Of(((SetDataOperationResult)results[1]).Stat.Mzxid));
                return ZooKeeperPath.Name(created);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
            {
                // The create may or may not have gone through, and the look-up may be cut short too: look (again).
                lookUp = true;
            }
            catch (MultiOperationException e) when (e.Code == ZooKeeperErrorCode.NoNode && e.FailedIndex == 1)
            {
                await CreateMarkerAsync(zk, marker, cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                await ZooKeeperPaths.EnsureAsync(zk, _electionPath, _acl, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Under the lock: the lease of the session this participant runs on has time left.
    private bool LeaseHolds() => _client is { } zk && LeaderLease.Remaining(zk) > TimeSpan.Zero;

    /// <summary>Changes the state if <paramref name="run"/> still has the say, the current state passes
    /// <paramref name="from"/>, and (with <paramref name="only"/>) the current candidate is that one. Returns whether it
    /// changed. <paramref name="at"/> is when it took effect, if earlier than now.</summary>
    private bool Transition(long run, LeadershipState state, long? epoch, string? znode, Func<LeadershipState, bool>? from = null, string? only = null, long? at = null)
    {
        LeadershipChange change;
        long? session;
        lock (_lock)
        {
            if (run != _run || (from is not null && !from(_state)) || (only is not null && _znode != only))
            {
                return false;
            }

            if (_state == state && _epoch == epoch && _znode == znode)
            {
                return false;
            }

            var now = _time.GetTimestamp();
            // A leader whose lease ran out stopped leading then, whatever ends its term now: State said so from that
            // moment (a pause that held its timer, a write that failed first on waking).
            if (_state == LeadershipState.Leader && state != LeadershipState.Leader && _client is { } zk && LeaderLease.Remaining(zk) is var left && left < TimeSpan.Zero)
            {
                at = Math.Min(at ?? now, now + (long)(left.TotalSeconds * _time.TimestampFrequency));
            }

            change = new LeadershipChange(state, epoch, znode, _time.GetUtcNow()) { Timestamp = at ?? now };
            // Resuming after a suspension with the same candidate is the same term: "since" stays.
            if (state == LeadershipState.Leader && _sinceEpoch != epoch)
            {
                _since = change.At;
                _sinceEpoch = epoch;
            }

            _state = state;
            _epoch = epoch;
            _znode = znode;
            session = _client?.SessionId;
        }

        _logger.StateChanged(
            NodeId,
            state,
            epoch,
            epoch is { } zxid ? LogHex.Of(zxid) : null,
            znode is null ? null : ZooKeeperPath.Combine(_electionPath, znode),
            session is { } id ? LogHex.Of(id) : null);
        LeadershipChanged?.Invoke(change);
        return true;
    }
}
