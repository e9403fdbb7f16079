using System.Threading.Channels;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Cluster;

/// <summary>
/// The in-process stream of cluster changes that feeds both the Blazor UI and the SignalR hub. Each subscriber gets
/// its own bounded queue and pump, so a slow page can neither block ZooKeeper's event loop nor hold up others.
/// </summary>
public sealed class ClusterEventFeed : IDisposable
{
    private const int RecentCapacity = 100;
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
    private TaskCompletionSource _leaderMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterEventFeed(IClusterObserver observer, IElectionParticipant participant, ILogger<ClusterEventFeed> logger)
    {
        _observer = observer;
        _participant = participant;
        _logger = logger;
        _leader = observer.Current.Leader;
        _leaderSince = observer.Current.Zxid;
        _observer.SnapshotChanged += OnSnapshot;
        _observer.ZnodeChanged += OnZnode;
        _participant.LeadershipChanged += OnLocalState;
    }

    public ClusterSnapshot Snapshot => _observer.Current;

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

    /// <summary>Returns once the leader differs from the one of the view at <paramref name="index"/>, or when
    /// <paramref name="wait"/> has passed, whichever is first: at once if it differs already, or if the index is ahead of
    /// this node's view (it came from another node, or from before a restart) and cannot be compared.</summary>
    public async Task WaitForLeaderChangeAsync(long index, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        Task moved;
        lock (_lock)
        {
            if (_leaderSince > index || index > _observer.Current.Zxid)
            {
                return;
            }

            moved = _leaderMoved.Task;
        }

        Interlocked.Increment(ref _longPolls);
        try
        {
            await moved.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The wait is over: the caller answers with the leader as it is.
        }
        finally
        {
            Interlocked.Decrement(ref _longPolls);
        }
    }

    private int _longPolls;
    private int _streams;

    /// <summary>How many long-polls are held right now.</summary>
    public int LongPollsWaiting => Volatile.Read(ref _longPolls);

    /// <summary>How many leader streams are open right now.</summary>
    public int StreamsOpen => Volatile.Read(ref _streams);

    /// <summary>Counts a leader stream as open until the result is disposed.</summary>
    public IDisposable HoldStream()
    {
        Interlocked.Increment(ref _streams);
        return new Held(this);
    }

    private sealed class Held(ClusterEventFeed feed) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref feed._streams);
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
                moved = _leaderMoved;
                _leaderMoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        moved?.TrySetResult();

        Publish(new SnapshotEvent(snapshot, last is null || !ClusterSnapshotBuilder.SameMembership(last, snapshot)), remember: false);
        if (previous?.Znode != snapshot.Leader?.Znode)
        {
            Publish(new LeaderChangedEvent(previous, snapshot.Leader, snapshot.ObservedAt), remember: true);
        }
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
        _observer.SnapshotChanged -= OnSnapshot;
        _observer.ZnodeChanged -= OnZnode;
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
                    _feed._logger.LogWarning(ex, "A cluster event subscriber failed on {EventType}", e.GetType().Name);
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
