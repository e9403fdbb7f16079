using System.Threading.Channels;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Cluster;

/// <summary>
/// The in-process stream of cluster changes that feeds both the Blazor UI and the SignalR hub. Each subscriber gets
/// its own bounded queue and pump, so a slow page can neither block ZooKeeper's event loop nor hold up others.
/// </summary>
public sealed class ClusterEventFeed : IDisposable
{
    private const int RecentCapacity = 500;
    private const int SubscriberQueue = 1000;

    private readonly IClusterObserver _observer;
    private readonly IElectionParticipant _participant;
    private readonly ILogger<ClusterEventFeed> _logger;
    private readonly Lock _lock = new();
    private readonly LinkedList<ClusterEvent> _recent = new();
    private readonly List<Subscription> _subscriptions = [];
    private LeaderInfo? _leader;
    private ClusterSnapshot? _last;
    private long _leaderSince;
    private ViewFreshness _freshness;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer _liveness;

    /// <summary>How often the feed looks whether the view is still live. A load or a lost sync says so at once
    /// (<see cref="IClusterObserver.FreshnessChanged"/>), but going stale past a bound raises nothing (it is time passing
    /// without an answer), so one timer per node looks, and held long-polls and streams wait on the feed.</summary>
    public static readonly TimeSpan LivenessPoll = TimeSpan.FromMilliseconds(250);

    public ClusterEventFeed(IClusterObserver observer, IElectionParticipant participant, ILogger<ClusterEventFeed> logger, TimeProvider? time = null)
    {
        _observer = observer;
        _participant = participant;
        _logger = logger;
        _leader = observer.Current.Leader;
        _leaderSince = observer.Current.Zxid;
        _freshness = observer.Freshness;
        _observer.SnapshotChanged += OnSnapshot;
        _observer.ZnodeChanged += OnZnode;
        _observer.FreshnessChanged += CheckLiveness;
        _participant.LeadershipChanged += OnLocalState;
        States = new NodeStateHistory(time ?? TimeProvider.System);
        States.Observe(observer.Current);
        _liveness = (time ?? TimeProvider.System).CreateTimer(_ => CheckLiveness(), null, LivenessPoll, LivenessPoll);
    }

    /// <summary>This node's view's freshness as of the feed's latest look (at most <see cref="LivenessPoll"/> ago, or
    /// the latest snapshot): what held long-polls and streams wake on.</summary>
    public ViewFreshness Freshness
    {
        get
        {
            lock (_lock)
            {
                return _freshness;
            }
        }
    }

    /// <summary>Whether this node's view is live, as of the feed's latest look.</summary>
    public bool Live => Freshness.Live;

    /// <summary>Looks at the view's freshness now rather than at the next tick (before deciding to hold a long-poll,
    /// say: a ping answered raises no event, so the last look may still say stale).</summary>
    public void LookNow() => CheckLiveness();

    private void CheckLiveness()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            // Looked at under the lock: two looks at once cannot store the older one last.
            var freshness = _observer.Freshness;
            // Loaded matters too: a stream waits for the first load to send its first leader.
            var flipped = freshness.Live != _freshness.Live || freshness.Loaded != _freshness.Loaded;
            _freshness = freshness;
            if (!flipped)
            {
                return;
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public ClusterSnapshot Snapshot => _observer.Current;

    private (long Pzxid, long Mzxid) _historyKey = (-1, -1);
    private ClusterHistory? _history;

    /// <summary>The cluster's history as the current view has it: built again only when a record under /history came,
    /// went or was rewritten, not for every heartbeat, so pages refreshing each second and the API share one build.</summary>
    public ClusterHistory History
    {
        get
        {
            var tree = _observer.Tree;
            var records = tree.ChildrenOf(ClusterNode.HistoryPath).Select(kv => kv.Value.Stat.Mzxid).DefaultIfEmpty(0).Max();
            var key = (tree.Nodes.TryGetValue(ClusterNode.HistoryPath, out var parent) ? parent.Stat.Pzxid : 0, records);
            lock (_lock)
            {
                if (_history is { } cached && _historyKey == key)
                {
                    return cached;
                }
            }

            var built = ClusterHistoryBuilder.Build(tree);
            lock (_lock)
            {
                (_historyKey, _history) = (key, built);
            }

            return built;
        }
    }

    /// <summary>Members this node saw and that are gone from the view since.</summary>
    public MemberRoll Members { get; } = new();

    /// <summary>Each member's state over the last minutes, for the timeline.</summary>
    public NodeStateHistory States { get; }

    /// <summary>The zxid of the first view with the current leader (or with none): a view at this index or later names
    /// the same leader.</summary>
    public long LeaderSince
    {
        get
        {
            lock (_lock)
            {
                return _leaderSince;
            }
        }
    }

    /// <summary>Returns once the leader differs from the one of the view at <paramref name="index"/>, or the view's
    /// liveness differs from <paramref name="live"/> (it went stale, or is live again), or when <paramref name="wait"/>
    /// has passed, whichever is first: at once if either differs already, or if the index is ahead of this node's view
    /// (it came from another node, or from before a restart) and cannot be compared.</summary>
    public async Task WaitForChangeAsync(long index, bool live, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        Task moved;
        lock (_lock)
        {
            if (_leaderSince > index || index > _observer.Current.Zxid || _freshness.Live != live)
            {
                return;
            }

            moved = _changed.Task;
        }

        try
        {
            await moved.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The wait is over: the caller answers with the leader as it is.
        }
    }

    // Long-polls and streams both wait through WaitForChangeAsync but are capped and measured apart, so each is
    // counted by its endpoint: thousands of open streams must not make a long-poll look over its cap.
    private readonly HeldCount _longPolls = new();
    private readonly HeldCount _streams = new();

    /// <summary>How many long-polls are held right now.</summary>
    public int LongPollsWaiting => _longPolls.Count;

    /// <summary>How many leader streams are open right now.</summary>
    public int StreamsOpen => _streams.Count;

    /// <summary>Counts a long-poll as held until the result is disposed.</summary>
    public IDisposable HoldLongPoll() => _longPolls.Hold();

    /// <summary>Counts a leader stream as open until the result is disposed.</summary>
    public IDisposable HoldStream() => _streams.Hold();

    private sealed class HeldCount
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public IDisposable Hold()
        {
            Interlocked.Increment(ref _count);
            return new Held(this);
        }

        private sealed class Held(HeldCount owner) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._count);
                }
            }
        }
    }

    public IElectionParticipant Local => _participant;

    /// <summary>The latest events, newest first.</summary>
    public IReadOnlyList<ClusterEvent> Recent
    {
        get
        {
            lock (_lock)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>Calls <paramref name="handler"/> for every later event, in order, until disposed.</summary>
    public IDisposable Subscribe(Func<ClusterEvent, Task> handler)
    {
        var subscription = new Subscription(this, handler);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    private void OnSnapshot(ClusterSnapshot snapshot)
    {
        LeaderInfo? previous;
        ClusterSnapshot? last;
        TaskCompletionSource? moved = null;
        lock (_lock)
        {
            previous = _leader;
            last = _last;
            _leader = snapshot.Leader;
            _last = snapshot;
            if (previous?.Znode != snapshot.Leader?.Znode)
            {
                _leaderSince = snapshot.Zxid;
                moved = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        moved?.TrySetResult();
        Members.Observe(snapshot);
        States.Observe(snapshot);

        // The leader first: it is what services wait for, and a hub client hears it before the rest of the view.
        if (previous?.Znode != snapshot.Leader?.Znode)
        {
            Publish(new LeaderChangedEvent(previous, snapshot.Leader, snapshot.ObservedAt), remember: true);
        }

        Publish(new SnapshotEvent(snapshot, last is null || !ClusterSnapshotBuilder.SameMembership(last, snapshot)), remember: false);
    }

    private void OnZnode(ZnodeChange change) => Publish(new ZnodeEvent(change), remember: true);

    private void OnLocalState(LeadershipChange change) => Publish(new LocalStateEvent(_participant.NodeId, change), remember: true);

    private void Publish(ClusterEvent e, bool remember)
    {
        Subscription[] targets;
        lock (_lock)
        {
            if (remember)
            {
                _recent.AddFirst(e);
                if (_recent.Count > RecentCapacity)
                {
                    _recent.RemoveLast();
                }
            }

            targets = [.. _subscriptions];
        }

        foreach (var target in targets)
        {
            target.Enqueue(e);
        }
    }

    public void Dispose()
    {
        _liveness.Dispose();
        _observer.SnapshotChanged -= OnSnapshot;
        _observer.ZnodeChanged -= OnZnode;
        _observer.FreshnessChanged -= CheckLiveness;
        _participant.LeadershipChanged -= OnLocalState;
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Complete();
            }

            _subscriptions.Clear();
        }
    }

    private sealed class Subscription : IDisposable
    {
        private readonly ClusterEventFeed _feed;
        private readonly Channel<ClusterEvent> _queue = Channel.CreateBounded<ClusterEvent>(
            new BoundedChannelOptions(SubscriberQueue) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public Subscription(ClusterEventFeed feed, Func<ClusterEvent, Task> handler)
        {
            _feed = feed;
            _ = Task.Run(() => PumpAsync(handler));
        }

        public void Enqueue(ClusterEvent e) => _queue.Writer.TryWrite(e);

        public void Complete() => _queue.Writer.TryComplete();

        private async Task PumpAsync(Func<ClusterEvent, Task> handler)
        {
            await foreach (var e in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    await handler(e);
                }
                catch (Exception ex)
                {
                    _feed._logger.SubscriberFailed(ex, e.GetType().Name);
                }
            }
        }

        public void Dispose()
        {
            lock (_feed._lock)
            {
                _feed._subscriptions.Remove(this);
            }

            Complete();
        }
    }
}
