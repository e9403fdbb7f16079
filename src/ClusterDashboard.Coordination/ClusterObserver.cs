using System.Collections.Concurrent;
using System.Threading.Channels;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// Keeps a live copy of the cluster's own znodes on its own session (one that faults never touch), from a full load
/// plus a persistent recursive watch on each of the cluster's paths, and turns it into <see cref="ClusterSnapshot"/>s.
/// Nothing else of the ensemble is read. On every new session it also brings the cluster's znodes to their ACLs.
/// </summary>
public sealed class ClusterObserver : IClusterObserver, IAsyncDisposable
{
    private readonly ClusterNodeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TreeCache _tree;
    private readonly ClusterAcls _acls;
    private readonly ClusterAclAudit _audit;
    private ClusterSnapshot _current;
    private TreeSnapshot _treeSnapshot = TreeSnapshot.Empty;
    private Task _loop = Task.CompletedTask;
    private int _disposed;
    private volatile bool _synced;
    private volatile bool _loaded;
    private int _stateChanges; // counts the session's state changes: a reload counts only if none came meanwhile
    private int _missedChanges; // counts changes a lost connection kept from being applied
    private long _unsyncedAt; // when the view last stopped being synced (a timestamp), 0 before it ever was synced
    private Channel<Work>? _work;

    // When each change ZooKeeper announced, and the view has not applied yet, arrived (oldest first): how far the view
    // trails ZooKeeper. A view that is connected and answered can still be seconds behind under a burst of writes, and
    // must not pass for live meanwhile.
    private ConcurrentQueue<long> _unapplied = new();

    // What the one loop applies, in order: a watch event, a reload (neither set), or a barrier to release once
    // everything queued before it is applied.
    private readonly record struct Work(WatchedEvent? Event, TaskCompletionSource? Barrier);

    public ClusterObserver(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<ClusterObserver>();
        _tree = new TreeCache(options.OwnPaths, time);
        _acls = new ClusterAcls(options);
        _audit = new ClusterAclAudit(options, _acls, loggerFactory.CreateLogger<ClusterAclAudit>());
        _current = ClusterSnapshot.Empty(time.GetUtcNow());
        _consistent = new FreshRun<ClusterSnapshot>(SyncAndReadAsync, _stop.Token);
    }

    private readonly FreshRun<ClusterSnapshot> _consistent;

    public event Action<ClusterSnapshot>? SnapshotChanged;

    public event Action<ZnodeChange>? ZnodeChanged;

    public event Action? FreshnessChanged;

    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>A consistent copy of the cached tree: the cluster's own znodes, nothing else.</summary>
    public TreeSnapshot Tree => Volatile.Read(ref _treeSnapshot);

    /// <summary>The zxid of the first full read of the cluster, 0 until it is done: whatever is older was there before
    /// this node was listening.</summary>
    public long ListeningFrom => Volatile.Read(ref _listeningFrom);

    private long _listeningFrom;

    /// <summary>The observer's current session: faults never touch it, so commands, status and history go through it.</summary>
    public ZooKeeperClient? Client { get; private set; }

    public ViewFreshness Freshness
    {
        get
        {
            var zk = Client;
            var synced = _synced && zk?.State == ConnectionState.Connected;
            var unsyncedAt = Volatile.Read(ref _unsyncedAt);
            TimeSpan? unsynced = synced ? TimeSpan.Zero : unsyncedAt == 0 ? null : _time.GetElapsedTime(unsyncedAt);
            // The client pings at a third of the session when idle; an answer takes a moment more.
            var bound = (zk?.SessionTimeout ?? _options.SessionTimeout) / 3 + ViewFreshness.Grace;
            var unapplied = Volatile.Read(ref _unapplied);
            var behind = unapplied.TryPeek(out var oldest) ? _time.GetElapsedTime(oldest) : TimeSpan.Zero;
            return new ViewFreshness(Current.Zxid, _loaded, synced, zk?.SinceLastAnswered, unsynced, bound, behind, behind > TimeSpan.Zero ? unapplied.Count : 0);
        }
    }

    /// <summary>Many consistent reads at once share a sync: each one's is sent after it arrived (FreshRun).</summary>
    public Task<ClusterSnapshot> ReadConsistentAsync(CancellationToken cancellationToken) => _consistent.RunAsync(cancellationToken);

    private async Task<ClusterSnapshot> SyncAndReadAsync(CancellationToken cancellationToken)
    {
        var zk = Client;
        var work = Volatile.Read(ref _work);
        var changes = Volatile.Read(ref _stateChanges);
        var missed = Volatile.Read(ref _missedChanges);
        if (zk is null || work is null || !Freshness.Synced)
        {
            throw new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, "/");
        }

        // A sync's answer comes after the notification of every change committed before it, on the same connection
        // and in the client's order, so the barrier queued after it is applied after those changes.
        await zk.SyncAsync("/", cancellationToken).ConfigureAwait(false);
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!work.Writer.TryWrite(new Work(null, barrier)))
        {
            throw new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, "/");
        }

        await barrier.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        // A connection that moved meanwhile may have kept a change from being applied before the barrier: no promise.
        if (Volatile.Read(ref _stateChanges) != changes || Volatile.Read(ref _missedChanges) != missed || zk.State != ConnectionState.Connected || !_synced)
        {
            throw new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, "/");
        }

        return Current;
    }

    public async Task<IReadOnlyList<string>?> ReadAclAsync(string path, CancellationToken cancellationToken)
    {
        // Only the cluster's own znodes: nothing else of the ensemble is read or served.
        if (Client is not { State: ConnectionState.Connected } zk || !Tree.Nodes.ContainsKey(path))
        {
            return null;
        }

        try
        {
            var acl = await zk.GetAclAsync(path, cancellationToken).ConfigureAwait(false);
            return [.. acl.Acl.Select(ClusterAcls.Describe)];
        }
        catch (ZooKeeperException)
        {
            return null;
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string? sessionId = null; // for the log, should the session fail
            try
            {
                await using var zk = await ZooKeeperClient.ConnectAsync(_options.ClientOptions(), _loggerFactory, _time, cancellationToken).ConfigureAwait(false);
                sessionId = LogHex.Of(zk.SessionId);
                await zk.EnsureChrootAsync(_acls.Shared, cancellationToken).ConfigureAwait(false);
                Client = zk;
                var audit = _audit.RunAsync(zk, cancellationToken);
                try
                {
                    await ObserveAsync(zk, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await audit.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.SessionFailed(sessionId, _options.NodeId, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // One loop applies every change in order: events and reloads never interleave, so the cache moves forward only.
    private async Task ObserveAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
        var unapplied = new ConcurrentQueue<long>();
        Volatile.Write(ref _work, work);
        Volatile.Write(ref _unapplied, unapplied);
        Unsync();
        void OnEvent(WatchedEvent e)
        {
            // Counted before it is queued, so that the applier, which uncounts each event once done with it, never
            // uncounts one not counted yet.
            unapplied.Enqueue(_time.GetTimestamp());
            work.Writer.TryWrite(new Work(e, null));
        }
        void OnState(ConnectionState state)
        {
            // Persistent watches miss what changed while disconnected: reload after every reconnect. Until that reload
            // is applied the view is not synced.
            Interlocked.Increment(ref _stateChanges);
            Unsync();
            if (state == ConnectionState.Connected)
            {
                work.Writer.TryWrite(default);
            }
            else if (state is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed)
            {
                work.Writer.TryComplete();
            }
        }

        zk.StateChanged += OnState;
        foreach (var root in _tree.Roots)
        {
            await zk.AddWatchAsync(root, OnEvent, AddWatchMode.PersistentRecursive, cancellationToken).ConfigureAwait(false);
        }

        work.Writer.TryWrite(default);
        try
        {
            await ApplyAllAsync(zk, work, unapplied, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The session is over: what it announced and never applied is not owed by the next one, which reloads.
            Volatile.Write(ref _unapplied, new ConcurrentQueue<long>());
            // A consistent read still queued cannot be answered from it.
            work.Writer.TryComplete();
            while (work.Reader.TryRead(out var left))
            {
                left.Barrier?.TrySetException(new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, "/"));
            }
        }
    }

    // Events are applied in order, but their reads go out together: before the oldest is applied, every event queued
    // behind it has its reads sent (up to a window), so a burst of changes (a failover makes a dozen) costs about one
    // round trip, not one each. A reload or a barrier is a fence: it waits for every event before it, and no event
    // after it is read before it is done (a reload's reads must not be overtaken by an older event's answer).
    private async Task ApplyAllAsync(ZooKeeperClient zk, Channel<Work> work, ConcurrentQueue<long> unapplied, CancellationToken cancellationToken)
    {
        var pending = new Queue<TreeCache.PendingEvent>();
        Work? fence = null;
        try
        {
            while (true)
            {
                while (fence is null && pending.Count < ReadsInFlight && work.Reader.TryRead(out var item))
                {
                    if (item.Event is { } e)
                    {
                        pending.Enqueue(_tree.Begin(zk, e, cancellationToken));
                    }
                    else
                    {
                        fence = item;
                    }
                }

                if (pending.TryDequeue(out var next))
                {
                    await ApplyEventAsync(next, unapplied).ConfigureAwait(false);
                }
                else if (fence is { } f)
                {
                    fence = null;
                    await ApplyFenceAsync(zk, f, cancellationToken).ConfigureAwait(false);
                }
                else if (!await work.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            fence?.Barrier?.TrySetException(new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, "/"));
            while (pending.TryDequeue(out var left))
            {
                await left.AbandonAsync().ConfigureAwait(false);
            }
        }
    }

    private const int ReadsInFlight = 64;

    private async Task ApplyEventAsync(TreeCache.PendingEvent pending, ConcurrentQueue<long> unapplied)
    {
        ZnodeChange? change;
        try
        {
            // A deletion's view goes out as soon as the znode leaves the cache (a failover is a deletion), its index a
            // lower bound for the one round trip until the deletion's own zxid is read; the change itself follows.
            change = await _tree.ApplyAsync(pending, () => Publish([], force: false)).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
        {
            // The reconnect queues a reload, which catches up on whatever this missed; a consistent read waiting
            // behind it cannot promise anything.
            Interlocked.Increment(ref _missedChanges);
            Unsync();
            return;
        }
        finally
        {
            // Uncounted before the view goes out: whoever it wakes must find it caught up, not still behind.
            unapplied.TryDequeue(out _);
        }

        Publish(change is { } applied ? [applied] : [], force: false);
    }

    private async Task ApplyFenceAsync(ZooKeeperClient zk, Work item, CancellationToken cancellationToken)
    {
        if (item.Barrier is { } barrier)
        {
            barrier.TrySetResult();
            return;
        }

        try
        {
            var changesBefore = Volatile.Read(ref _stateChanges);
            var connected = zk.State == ConnectionState.Connected;
            var changes = await _tree.LoadAsync(zk, cancellationToken).ConfigureAwait(false);
            if (ListeningFrom == 0)
            {
                Volatile.Write(ref _listeningFrom, Math.Max(1, _tree.Zxid));
            }

            Publish(changes, force: true);

            // Loaded, and synced once a reload begun while connected is applied (unless the connection moved
            // meanwhile): only once the view it loaded is the one answers are built from.
            _loaded = true;
            if (connected && Volatile.Read(ref _stateChanges) == changesBefore)
            {
                _synced = true;
            }

            FreshnessChanged?.Invoke();
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
        {
            // The reconnect queues another reload; a consistent read waiting behind this one cannot promise anything.
            Interlocked.Increment(ref _missedChanges);
            Unsync();
        }
    }

    // The view stops being synced now, if it was.
    private void Unsync()
    {
        if (_synced || Volatile.Read(ref _unsyncedAt) == 0)
        {
            Volatile.Write(ref _unsyncedAt, _time.GetTimestamp());
        }

        var was = _synced;
        _synced = false;
        if (was)
        {
            FreshnessChanged?.Invoke(); // once per loss of sync, not once per failed read behind it
        }
    }

    private void Publish(IReadOnlyList<ZnodeChange> changes, bool force)
    {
        var tree = _tree.Snapshot();
        Volatile.Write(ref _treeSnapshot, tree);
        var snapshot = ClusterSnapshotBuilder.Build(_options, tree, _time.GetUtcNow());
        var previous = Current;
        Volatile.Write(ref _current, snapshot);
        // The view first (a new leader is what most listeners wait for), then the changes that made it.
        if (force || !ClusterSnapshotBuilder.SameContent(previous, snapshot))
        {
            SnapshotChanged?.Invoke(snapshot);
        }

        foreach (var change in changes.Where(c => c.Path != _options.HeartbeatPath))
        {
            // A beat a second is not news for the event log; it only refreshes the view.
            ZnodeChanged?.Invoke(change);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
