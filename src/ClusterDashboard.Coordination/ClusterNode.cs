using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// One node of the cluster: an election participant with its membership registration, plus an observer session
/// that keeps the live view for the dashboard and carries commands, status and history. Faults act on the
/// participant alone, so the dashboard keeps seeing.
/// </summary>
public sealed class ClusterNode : IFaultCommander, IAsyncDisposable
{
    public const string CommandsPath = "/commands";
    public const string StatusPath = "/status";
    public const string HistoryPath = "/history";

    private readonly ClusterParticipant _participant;
    private readonly ClusterObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _statusLock = new(1, 1);
    private long? _announcedEpoch;

    public ClusterNode(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options;
        _time = timeProvider;
        _logger = loggerFactory.CreateLogger<ClusterNode>();
        _participant = new ClusterParticipant(options, loggerFactory, timeProvider);
        _observer = new ClusterObserver(options, loggerFactory, timeProvider);
    }

    public ClusterNodeOptions Options { get; }

    public IElectionParticipant Participant => _participant.Election;

    /// <summary>The election itself: resign and fenced writes.</summary>
    public LeaderElection Election => _participant.Election;

    public IClusterObserver Observer => _observer;

    /// <summary>The fault this node lives through, if any.</summary>
    public ActiveFault? Fault => _participant.Fault;

    /// <summary>Starts the sessions in the background and returns; it does not wait for ZooKeeper.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _observer.ZnodeChanged += OnZnodeChanged;
        _observer.SnapshotChanged += OnSnapshot;
        _participant.Election.LeadershipChanged += OnLeadershipChanged;
        _participant.FaultChanged += _ => PublishStatusInBackground();
        _observer.Start();
        _participant.Start();
        return Task.CompletedTask;
    }

    /// <summary>Orders a fault on any node, through ZooKeeper: the target watches its command path.</summary>
    /// <param name="kind">The fault, or null to end the target's running fault.</param>
    public async Task<string> OrderFaultAsync(string nodeId, FaultKind? kind, int durationSeconds, CancellationToken cancellationToken)
    {
        var zk = _observer.Client ?? throw new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, detail: "this node has no ZooKeeper session yet");
        var command = new FaultCommand($"f-{Guid.NewGuid():N}"[..14], nodeId, kind, durationSeconds, _time.GetUtcNow(), Options.NodeId);
        await ZooKeeperPaths.EnsureAsync(zk, ZooKeeperPath.Combine(CommandsPath, nodeId), cancellationToken).ConfigureAwait(false);
        if (kind is { } k)
        {
            await AppendHistoryAsync(zk, new HistoryRecord("fault", nodeId, command.IssuedAt, command.Id, k, durationSeconds), cancellationToken).ConfigureAwait(false);
        }

        await zk.CreateAsync(ZooKeeperPath.Combine(ZooKeeperPath.Combine(CommandsPath, nodeId), "cmd-"), command.ToBytes(), CreateMode.PersistentSequential, cancellationToken: cancellationToken).ConfigureAwait(false);
        return command.Id;
    }

    private void OnZnodeChanged(ZnodeChange change)
    {
        var mine = ZooKeeperPath.Combine(CommandsPath, Options.NodeId);
        if (change.Kind == ZnodeChangeKind.Created && ZooKeeperPath.Parent(change.Path) == mine
            && _observer.Tree.Nodes.TryGetValue(change.Path, out var node) && FaultCommand.TryParse(node.Data) is { } command)
        {
            _ = ExecuteAsync(change.Path, command);
        }
    }

    private async Task ExecuteAsync(string path, FaultCommand command)
    {
        try
        {
            if (command.Kind is { } kind)
            {
                _participant.Inject(command.Id, kind, TimeSpan.FromSeconds(command.DurationSeconds));
            }
            else
            {
                _participant.Heal();
            }
        }
        catch (NotLeaderException e)
        {
            _logger.LogWarning("Command {CommandId} not carried out: {Reason}", command.Id, e.Message);
        }

        try
        {
            if (_observer.Client is { } zk)
            {
                await zk.DeleteAsync(path).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e)
        {
            _logger.LogDebug("Command znode {Path} not removed: {Reason}", path, e.Message);
        }
    }

    private void PublishStatusInBackground() => _ = PublishStatusAsync();

    private void OnLeadershipChanged(LeadershipChange change)
    {
        PublishStatusInBackground();
        if (change.State == LeadershipState.Leader && change.Epoch is { } epoch && _announcedEpoch != epoch && _observer.Client is { } zk)
        {
            _announcedEpoch = epoch;
            var goneAt = _participant.Election.PredecessorGoneAt is { } at && change.At - at < TimeSpan.FromMinutes(1) ? at : (DateTimeOffset?)null;
            _ = AppendHistoryAsync(zk, new HistoryRecord("leader", Options.NodeId, change.At, Epoch: epoch, PredecessorGoneAt: goneAt), CancellationToken.None);
        }
    }

    private LeaderInfo? _seenLeader;

    private void OnSnapshot(ClusterSnapshot snapshot)
    {
        if (!snapshot.Members.Any(m => m.NodeId == Options.NodeId && m.StatusPublished))
        {
            PublishStatusInBackground();
        }

        if (snapshot.Leader is { } leader && leader.Znode != _seenLeader?.Znode && _observer.Client is { } zk)
        {
            _seenLeader = leader;
            _ = AppendHistoryAsync(zk, new HistoryRecord("seen", Options.NodeId, snapshot.ObservedAt, Epoch: leader.Epoch), CancellationToken.None);
        }
    }

    /// <summary>Writes this node's status where every dashboard sees it, on the session faults leave alone.</summary>
    private async Task PublishStatusAsync()
    {
        if (_observer.Client is not { State: ConnectionState.Connected } zk)
        {
            return;
        }

        await _statusLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var fault = _participant.Fault;
            var state = fault is null ? ClusterParticipant.StateName(_participant.Election.State) : fault.Kind switch
            {
                FaultKind.Crash => "crashed",
                FaultKind.Partition => "partitioned",
                FaultKind.Pause => "paused",
                FaultKind.Leave => "left",
                _ => ClusterParticipant.StateName(_participant.Election.State),
            };
            var status = new NodeStatus(Options.NodeId, Options.AdvertisedUrl, state, fault?.Id, fault?.Until, Options.LeadershipPolicy.ToString().ToLowerInvariant(), _time.GetUtcNow());
            var path = ZooKeeperPath.Combine(StatusPath, Options.NodeId);
            try
            {
                await zk.SetDataAsync(path, status.ToBytes()).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                await ZooKeeperPaths.EnsureAsync(zk, StatusPath, CancellationToken.None).ConfigureAwait(false);
                await zk.CreateAsync(path, status.ToBytes(), CreateMode.Ephemeral).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e)
        {
            _logger.LogDebug("Status of {NodeId} not published: {Reason}", Options.NodeId, e.Message);
        }
        finally
        {
            _statusLock.Release();
        }
    }

    private async Task AppendHistoryAsync(ZooKeeperClient zk, HistoryRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await ZooKeeperPaths.EnsureAsync(zk, HistoryPath, cancellationToken).ConfigureAwait(false);
            var created = await zk.CreateAsync(ZooKeeperPath.Combine(HistoryPath, "h-"), record.ToBytes(), CreateMode.PersistentSequential, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (SequenceNumber.Parse(created.Path) % HistoryPruneEvery == 0)
            {
                await PruneHistoryAsync(zk, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException e)
        {
            _logger.LogDebug("History record not written: {Reason}", e.Message);
        }
    }

    // History is kept in ZooKeeper, whose data must stay small: every so often the oldest records go.
    private const int HistoryPruneEvery = 100;
    private const int HistoryKept = 500;

    private static async Task PruneHistoryAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var records = SequenceNumber.Order(await zk.GetChildrenAsync(HistoryPath, cancellationToken: cancellationToken).ConfigureAwait(false));
        foreach (var (name, _) in records.Take(Math.Max(0, records.Count - HistoryKept)))
        {
            try
            {
                await zk.DeleteAsync(ZooKeeperPath.Combine(HistoryPath, name), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                // another node pruned it first
            }
        }
    }

    /// <summary>Leaves gracefully: closes the participant session so its candidate and member znodes vanish at once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _participant.StopAsync(cancellationToken).ConfigureAwait(false);
        await _observer.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _participant.DisposeAsync().ConfigureAwait(false);
        await _observer.DisposeAsync().ConfigureAwait(false);
    }
}
