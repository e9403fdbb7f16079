using System.Diagnostics.Metrics;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Cluster;

/// <summary>
/// This node's instruments (meter "ClusterDashboard"), made through <see cref="IMeterFactory"/>: its leadership state
/// and epoch, leader changes, failover phases, faults carried out by kind, the view's liveness, and the hub, stream and
/// long-poll clients it holds. Failovers and faults are counted from the history records written after this node
/// started, so a restart does not count the past again.
/// </summary>
public sealed class ClusterMetrics : IDisposable
{
    public const string MeterName = "ClusterDashboard";

    private readonly ClusterEventFeed _feed;
    private readonly IClusterObserver _observer;
    private readonly Counter<long> _leaderChanges;
    private readonly Counter<long> _faults;
    private readonly Histogram<double> _detection;
    private readonly Histogram<double> _election;
    private readonly UpDownCounter<long> _hubConnections;
    private readonly IDisposable _subscription;
    private readonly DateTimeOffset _since;
    private readonly HashSet<string> _elections = new(StringComparer.Ordinal); // failovers whose election is recorded
    private readonly HashSet<string> _detections = new(StringComparer.Ordinal); // and whose detection is
    private readonly KeyValuePair<string, object?> _node;
    private readonly ITimer _measure;
    private readonly Lock _measuring = new();
    private int _measurePending;

    /// <summary>How long after a record that may complete a failover its phases are measured. A failover writes its
    /// records in a burst (the successor's, the fault's) just as every view is being told of the new leader, and
    /// measuring builds the history from all its records: once per burst and after it costs one build instead of
    /// several, and none while the views are on their way. The phases come from the records' own times, so the wait
    /// changes no figure.</summary>
    public static readonly TimeSpan MeasureDelay = TimeSpan.FromMilliseconds(250);

    public ClusterMetrics(IMeterFactory meters, ClusterEventFeed feed, IClusterObserver observer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _feed = feed;
        _observer = observer;
        _since = time.GetUtcNow();
        // Every measurement names its node, so a listener that sees several nodes' meters tells them apart. Several
        // nodes in one process (tests, a demo) each have a meter of this name, and an OpenTelemetry exporter keeps the
        // first instrument of each name it meets: one node per process is what /metrics is exact for.
        _node = new KeyValuePair<string, object?>("node", feed.Local.NodeId);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("clusterdashboard.leadership.state", States, "{state}", "1 for the state this node's participant is in (label state), 0 for the others.");
        meter.CreateObservableGauge("clusterdashboard.leadership.epoch", Epoch, "{epoch}", "The epoch (fencing token) this node leads with; absent while it does not lead.");
        meter.CreateObservableGauge("clusterdashboard.view.live", () => new Measurement<int>(feed.Live ? 1 : 0, _node), "{bool}", "1 while this node's view of ZooKeeper is live (what its API answers from), else 0.");
        meter.CreateObservableGauge("clusterdashboard.view.index", () => new Measurement<long>(observer.Current.Zxid, _node), "{zxid}", "The zxid of this node's current view.");
        meter.CreateObservableUpDownCounter("clusterdashboard.stream.clients", () => new Measurement<long>(feed.StreamsOpen, _node), "{client}", "Leader streams (GET /leader/stream) open on this node.");
        meter.CreateObservableUpDownCounter("clusterdashboard.longpoll.clients", () => new Measurement<long>(feed.LongPollsWaiting, _node), "{client}", "Long-polls (GET /leader?index) held by this node.");
        _hubConnections = meter.CreateUpDownCounter<long>("clusterdashboard.hub.connections", "{connection}", "Clients connected to the SignalR hub of this node.");
        _leaderChanges = meter.CreateCounter<long>("clusterdashboard.leader.changes", "{change}", "Times this node's view saw another candidate lead (or none).");
        _faults = meter.CreateCounter<long>("clusterdashboard.faults.injected", "{fault}", "Faults carried out in the cluster since this node started, by kind (label kind).");
        _detection = meter.CreateHistogram<double>("clusterdashboard.failover.detection", "s", "A failover's detection: the fault carried out until the old leader's znode was gone.");
        _election = meter.CreateHistogram<double>("clusterdashboard.failover.election", "s", "A failover's election: the old leader's znode gone until the successor knew it led.");
        _measure = time.CreateTimer(_ => MeasureNow(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _subscription = feed.Subscribe(OnEventAsync);
    }

    public void HubConnected() => _hubConnections.Add(1, _node);

    public void HubDisconnected() => _hubConnections.Add(-1, _node);

    private IEnumerable<Measurement<int>> States()
    {
        var state = NodeStates.Of(_feed.Local.State);
        foreach (var candidate in new[] { NodeState.Joining, NodeState.Follower, NodeState.Leader, NodeState.Suspended, NodeState.Lost, NodeState.Left, NodeState.Observer, NodeState.Idle })
        {
            yield return new Measurement<int>(candidate == state ? 1 : 0, _node, new KeyValuePair<string, object?>("state", candidate.Name()));
        }
    }

    private IEnumerable<Measurement<long>> Epoch() =>
        _feed.Local.Term is { State: LeadershipState.Leader, Epoch: { } epoch } ? [new Measurement<long>(epoch, _node)] : [];

    private Task OnEventAsync(ClusterEvent e)
    {
        switch (e)
        {
            case LeaderChangedEvent:
                _leaderChanges.Add(1, _node);
                break;
            case ZnodeEvent { Change: { Kind: ZnodeChangeKind.Created, Path: var path } } when path.StartsWith(ClusterNode.HistoryPath + "/", StringComparison.Ordinal):
                Record(path);
                break;
        }

        return Task.CompletedTask;
    }

    // A new history record: a fault carried out is counted; a failover's phases are measured once the records that
    // tell them exist. The successor's record and the fault's come from different nodes in either order, so each phase
    // is recorded when it first can be: the election with the successor's record, the detection once the fault that
    // caused it is in too.
    private void Record(string path)
    {
        var tree = _observer.Tree;
        if (!tree.Nodes.TryGetValue(path, out var node) || HistoryRecord.TryParse(node.Data) is not { } record || record.At < _since)
        {
            return;
        }

        if (record is { Type: HistoryRecordType.Fault, Refusal: null, FaultKind: { } kind })
        {
            // By kind only: node ids come from ZooKeeper, and a forger writing many must not grow the label set.
            _faults.Add(1, _node, new KeyValuePair<string, object?>("kind", kind.Name()));
        }

        if ((record.Type is HistoryRecordType.Leader or HistoryRecordType.Fault) && Interlocked.Exchange(ref _measurePending, 1) == 0)
        {
            _measure.Change(MeasureDelay, Timeout.InfiniteTimeSpan);
        }
    }

    // A record coming while this runs arms the timer again, so it is measured too.
    private void MeasureNow()
    {
        Volatile.Write(ref _measurePending, 0);
        lock (_measuring)
        {
            MeasureFailovers();
        }
    }

    private void MeasureFailovers()
    {
        var changes = _feed.History.LeaderChanges;
        // Only ids still in the (pruned) history are remembered, so the sets stay as small as the history.
        var ids = changes.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        _elections.IntersectWith(ids);
        _detections.IntersectWith(ids);
        foreach (var change in changes.Where(c => c.ElectedAt >= _since))
        {
            if (change.ElectionMs is { } election && _elections.Add(change.Id))
            {
                _election.Record(election / 1000, _node);
            }

            if (change.DetectionMs is { } detection && _detections.Add(change.Id))
            {
                _detection.Record(detection / 1000, _node);
            }
        }
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _measure.Dispose();
    }
}
