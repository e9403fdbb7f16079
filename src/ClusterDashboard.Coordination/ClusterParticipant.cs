using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// The participant session: runs the election and the member registration on one ZooKeeper session, and when that
/// session ends starts a new one, so the node rejoins at the back of the queue as a follower. Its client dials
/// through its <see cref="FaultDrill"/>'s link and runs on its clock, so faults reach it only as a network and a
/// process would: nothing in the session loop knows of them beyond staying away while crashed or gone.
/// </summary>
public sealed class ClusterParticipant : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastBackoff = TimeSpan.FromSeconds(5);

    private readonly ClusterNodeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly MemberRegistration _member;
    private readonly ClusterAcls _acls;
    private readonly BackgroundTasks _background;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task _heartbeat = Task.CompletedTask;
    private ZooKeeperClient? _client;
    private CancellationTokenSource? _session;
    private int _stopped;

    public ClusterParticipant(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ClusterParticipant>();
        _background = new BackgroundTasks(_logger);
        _acls = new ClusterAcls(options);
        Drill = new FaultDrill(time, loggerFactory.CreateLogger<FaultDrill>());
        // The recipe runs on the participant's own clock, the one a pause stops.
        var clock = Drill.Clock;
        Election = new LeaderElection(options.ElectionPath, options.NodeId, options.AdvertisedUrl, clock, loggerFactory.CreateLogger<LeaderElection>(), options.LeadershipPolicy, _acls.For(options.ElectionPath), options.ElectionSessionsPath)
        {
            RejoinDelay = options.FollowUpDelay,
        };
        Heartbeat = new LeaderHeartbeat(Election, options, _acls.For(options.HeartbeatPath), clock, loggerFactory.CreateLogger<LeaderHeartbeat>());
        _member = new MemberRegistration(
            options.MembersPath,
            new MemberPayload(options.NodeId, options.AdvertisedUrl, time.GetUtcNow(), options.Version, options.Observer ? NodeState.Observer : NodeState.Idle),
            _acls.For(options.MembersPath),
            loggerFactory.CreateLogger<MemberRegistration>());
        Election.LeadershipChanged += OnLeadershipChanged;
    }

    public LeaderElection Election { get; }

    public LeaderHeartbeat Heartbeat { get; }

    /// <summary>The faults this participant lives through: its network link, its clock.</summary>
    public FaultDrill Drill { get; }

    /// <summary>The current participant session, if connected at least once.</summary>
    public ZooKeeperClient? Client => _client;

    /// <summary>The fault this participant is living through, if any.</summary>
    public ActiveFault? Fault => Drill.Fault;

    /// <summary>Makes this participant fail as <paramref name="kind"/> for <paramref name="duration"/> (at most
    /// <see cref="MaxFaultDuration"/>). Only the participant suffers; the node's observer session, and so its
    /// dashboard, carries on.</summary>
    public void Inject(string id, FaultKind kind, TimeSpan duration, FaultParameters? parameters = null)
    {
        if (Volatile.Read(ref _stopped) != 0)
        {
            throw new InvalidOperationException($"{_options.NodeId} is stopping: it takes no faults.");
        }

        if (kind.HasDuration() && (duration <= TimeSpan.Zero || duration > MaxFaultDuration))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"A fault lasts more than zero and at most {MaxFaultDuration}.");
        }

        if (kind == FaultKind.Resign)
        {
            Election.Resign();
            return;
        }

        Drill.Start(id, kind, duration, parameters ?? FaultParameters.None);
        switch (kind)
        {
            case FaultKind.Crash:
                // The process is gone: it leads nothing, and its session (or the one it was starting) is dropped as it
                // is, for ZooKeeper to expire.
                Election.SetState(LeadershipState.Lost);
                DropSession();
                break;
            case FaultKind.Leave:
                // Stop leading before the candidate goes, then close: the successor takes over at once. A session
                // being started meanwhile is dropped too; its client closes as it is disposed.
                Election.SetState(LeadershipState.Left);
                DropSession();
                if (_client is { } client)
                {
                    _background.Run("leave: close the session", () => client.CloseAsync());
                }

                break;
        }
    }

    private void DropSession()
    {
        try
        {
            _session?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // between two sessions: there is none to drop
        }
    }

    /// <summary>The longest fault a participant lives through, whatever asks: the timers it reaches stay sane.</summary>
    public static readonly TimeSpan MaxFaultDuration = TimeSpan.FromSeconds(FaultPolicy.LongestFaultSeconds);

    /// <summary>Ends the running fault early: a partition, pause or latency lifts, a crashed or departed node comes back.</summary>
    public void Heal() => Drill.End();

    public void Start()
    {
        _loop = Task.Run(() => RunAsync(_stop.Token));
        _heartbeat = Task.Run(() => Heartbeat.RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            ZooKeeperClient? zk = null;
            using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Set before anything else: a crash or leave from here on drops this session, started or not.
            _session = session;
            try
            {
                await Drill.WhileAwayAsync(session.Token).ConfigureAwait(false);
                zk = await ZooKeeperClient.ConnectAsync(_options.ClientOptions(Drill.Link.Dialer()), _loggerFactory, Drill.Clock, session.Token).ConfigureAwait(false);
                _client = zk;
                await zk.EnsureChrootAsync(_acls.Shared, session.Token).ConfigureAwait(false);
                await _member.RegisterAsync(zk, session.Token).ConfigureAwait(false);
                // Only a session that could take part resets the wait: one refused at once (NoAuth on a znode another
                // identity holds) backs off like a failed connection instead of reconnecting several times a second.
                backoff = FirstBackoff;
                if (_options.Observer)
                {
                    // An observer is a member that never queues: it just keeps its session until it ends.
                    Election.SetState(LeadershipState.Observer);
                    await zk.WaitForStateAsync(s => s is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed, session.Token).ConfigureAwait(false);
                    continue;
                }

                await Election.RunAsync(zk, session.Token).ConfigureAwait(false);
                _logger.SessionEnded(LogHex.Of(zk.SessionId), _options.NodeId, zk.State);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (session.IsCancellationRequested)
            {
                // Crashed or gone: this session is dropped as it is; the next starts once the fault is over.
                if (Fault?.Kind != FaultKind.Leave)
                {
                    Election.SetState(LeadershipState.Lost);
                }
            }
            catch (Exception e)
            {
                _logger.CouldNotTakePart(_options.NodeId, e.Message, backoff, zk is { SessionId: not 0 } ? LogHex.Of(zk.SessionId) : null);
                Election.SetState(LeadershipState.Idle);
                await DelayAsync(backoff, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 < LastBackoff ? backoff * 2 : LastBackoff;
            }
            finally
            {
                _session = null;
                if (zk is not null && !cancellationToken.IsCancellationRequested)
                {
                    // A crashed session's client may wait out its read timeout on a dead link: in the background.
                    _background.Run("drop a finished session", () => zk.DisposeAsync().AsTask());
                }
            }
        }
    }

    /// <summary>Leaves gracefully: closing the session removes the candidate and member znodes at once, so the next
    /// candidate takes over without waiting for a timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // DI may hand the same node out under several service types and dispose it once for each.
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        // A fault ends first: a paused participant's timers, or a held link, would hold up the goodbye.
        Drill.End();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        await _heartbeat.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);

        // Stop acting as leader before the candidate goes: closing the session lets the successor lead at once.
        Election.SetState(LeadershipState.Left);
        if (_client is { } zk)
        {
            await zk.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _background.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await Drill.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (_client is { State: ConnectionState.Connected } zk && change.State is LeadershipState.Leader or LeadershipState.Follower)
        {
            // Shown on the page only: it follows the change (ClusterNodeOptions.FollowUpDelay), with the state by then,
            // so two changes in a row cannot publish out of order.
            _background.RunAfter("publish member state", _options.FollowUpDelay, Drill.Clock, () => Election.State is LeadershipState.Leader or LeadershipState.Follower
                ? _member.PublishStateAsync(zk, NodeStates.Of(Election.State), _stop.Token)
                : Task.CompletedTask, _stop.Token);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, Drill.Clock, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
