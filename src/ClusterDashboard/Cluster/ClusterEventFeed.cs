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

    public ClusterEventFeed(IClusterObserver observer, IElectionParticipant participant, ILogger<ClusterEventFeed> logger)
    {
        _observer = observer;
        _participant = participant;
        _logger = logger;
        _leader = observer.Current.Leader;
        _observer.SnapshotChanged += OnSnapshot;
        _observer.ZnodeChanged += OnZnode;
        _participant.LeadershipChanged += OnLocalState;
    }

    public ClusterSnapshot Snapshot => _observer.Current;

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
        lock (_lock)
        {
            previous = _leader;
            last = _last;
            _leader = snapshot.Leader;
            _last = snapshot;
        }

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
