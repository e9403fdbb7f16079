using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// One node of the cluster: an election participant with its membership registration, plus an observer session
/// that keeps the live view for the dashboard and carries fault orders, status and history. Faults act on the
/// participant alone, so the dashboard keeps seeing.
/// </summary>
public sealed class ClusterNode : IFaultCommander, IAsyncDisposable
{
    public const string CommandsPath = "/commands";
    public const string StatusPath = "/status";
    public const string HistoryPath = "/history";

    private readonly ClusterParticipant _participant;
    private readonly ClusterObserver _observer;
    private readonly BackgroundTasks _background;
    private readonly HistoryWriter _history;
    private readonly NodeStatusWriter _status;
    private readonly FaultCommandBus _faults;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private long? _announcedEpoch;
    private LeaderInfo? _seenLeader;
    private int _stopped;

    public ClusterNode(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options;
        _time = timeProvider;
        var logger = loggerFactory.CreateLogger<ClusterNode>();
        var acls = new ClusterAcls(options);
        _participant = new ClusterParticipant(options, loggerFactory, timeProvider);
        _observer = new ClusterObserver(options, loggerFactory, timeProvider);
        _background = new BackgroundTasks(logger);
        _history = new HistoryWriter(_observer, acls, logger);
        _status = new NodeStatusWriter(options, _observer, _participant, acls, timeProvider, logger);
        _faults = new FaultCommandBus(options, _observer, _participant, _history, acls, _background, timeProvider, loggerFactory.CreateLogger<FaultCommandBus>(), _stop.Token);
    }

    public ClusterNodeOptions Options { get; }

    public IElectionParticipant Participant => _participant.Election;

    /// <summary>The election itself: resign and fenced writes.</summary>
    public LeaderElection Election => _participant.Election;

    public IClusterObserver Observer => _observer;

    /// <summary>The fault this node lives through, if any.</summary>
    public ActiveFault? Fault => _participant.Fault;

    /// <summary>Raised when a fault starts on this node (with it) or ends (with null).</summary>
    public event Action<ActiveFault?>? FaultChanged
    {
        add => _participant.Drill.Changed += value;
        remove => _participant.Drill.Changed -= value;
    }

    /// <summary>What an accepted fault order does, for a drill run in this process (the chaos campaign): the
    /// participant fails as <paramref name="kind"/> for <paramref name="duration"/>; the observer carries on.</summary>
    public void Inject(string id, FaultKind kind, TimeSpan duration, FaultParameters? parameters = null) => _participant.Inject(id, kind, duration, parameters);

    /// <summary>Ends the running fault early.</summary>
    public void Heal() => _participant.Heal();

    public bool TakesOrders => Options.Faults.Enabled;

    public bool RequiresKey => Options.Faults.Key is not null;

    public bool IsOwnKey(string? supplied) => _faults.IsOwnKey(supplied);

    public Task<FaultVerdict> OrderAsync(FaultOrder order, CancellationToken cancellationToken) => _faults.OrderAsync(order, cancellationToken);

    /// <summary>Starts the sessions in the background and returns; it does not wait for ZooKeeper.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _observer.ZnodeChanged += _faults.OnZnodeChanged;
        _observer.SnapshotChanged += OnSnapshot;
        _observer.FreshnessChanged += OnFreshness;
        _participant.Election.LeadershipChanged += OnLeadershipChanged;
        _participant.Drill.Changed += _ => PublishStatus();
        _observer.Start();
        _participant.Start();
        return Task.CompletedTask;
    }

    private void PublishStatus() => _background.Run("status", () => _status.PublishAsync(_stop.Token));

    // A status that says this node now leads: after the follow-up delay, with the state it is in by then.
    private void PublishStatusLater() => FollowUp("status", () => _status.PublishAsync(_stop.Token));

    // Only records of what happened, each with its own time: they wait for the change to reach every view first.
    private void AppendHistory(HistoryRecord record) => FollowUp($"history {record.Type}", () => _history.AppendAsync(record, _stop.Token));

    private void FollowUp(string what, Func<Task> write) => _background.RunAfter(what, Options.FollowUpDelay, _time, write, _stop.Token);

    private void OnLeadershipChanged(LeadershipChange change)
    {
        // Stepping down is published at once (every view must stop seeing two believers soon); taking over can wait.
        if (change.State == LeadershipState.Leader)
        {
            PublishStatusLater();
        }
        else
        {
            PublishStatus();
        }

        if (change.State == LeadershipState.Leader && change.Epoch is { } epoch && _announcedEpoch != epoch)
        {
            _announcedEpoch = epoch;
            var goneAt = _participant.Election.PredecessorGoneAt is { } at && change.At - at < TimeSpan.FromMinutes(1) ? at : (DateTimeOffset?)null;
            AppendHistory(new HistoryRecord(HistoryRecordType.Leader, Options.NodeId, change.At, Epoch: epoch, PredecessorGoneAt: goneAt));
        }
    }

    // A change of belief while the observer was cut off could not be published: once it is synced again, it is.
    private void OnFreshness()
    {
        if (_observer.Freshness.Synced)
        {
            PublishStatus();
        }
    }

    private void OnSnapshot(ClusterSnapshot snapshot)
    {
        if (!snapshot.Members.Any(m => m.NodeId == Options.NodeId && m.StatusPublished))
        {
            PublishStatus();
        }

        if (snapshot.Leader is { } leader && leader.Znode != _seenLeader?.Znode)
        {
            _seenLeader = leader;
            AppendHistory(new HistoryRecord(HistoryRecordType.Seen, Options.NodeId, snapshot.ObservedAt, Epoch: leader.Epoch));
        }
    }

    /// <summary>Leaves gracefully: closes the participant session so its candidate and member znodes vanish at once,
    /// lets the background jobs finish, then closes the observer.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // DI hands the node out under several service types and may dispose it once for each.
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _observer.ZnodeChanged -= _faults.OnZnodeChanged;
        _observer.SnapshotChanged -= OnSnapshot;
        _observer.FreshnessChanged -= OnFreshness;
        await _participant.StopAsync(cancellationToken).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _background.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host stopped waiting; the jobs were told to stop and the observer's session closes under them.
        }

        await _observer.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);
}
