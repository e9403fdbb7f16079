using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// The participant session: runs the election and the member registration on one ZooKeeper session, and when that
/// session expires starts a new one, so the node rejoins at the back of the queue as a follower.
/// </summary>
public sealed class ClusterParticipant : IAsyncDisposable
{
    private readonly ClusterNodeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MemberRegistration _member;
    private readonly ClusterAcls _acls;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _faultLock = new();
    private Task _loop = Task.CompletedTask;
    private ZooKeeperClient? _client;
    private int _stopped;
    private ActiveFault? _fault;
    private TaskCompletionSource _faultEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterParticipant(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<ClusterParticipant>();
        _acls = new ClusterAcls(options);
        Election = new LeaderElection(options.ElectionPath, options.NodeId, options.AdvertisedUrl, time, loggerFactory.CreateLogger<LeaderElection>(), options.LeadershipPolicy, _acls.For(options.ElectionPath));
        Heartbeat = new LeaderHeartbeat(Election, options, _acls.For(options.HeartbeatPath), time, loggerFactory.CreateLogger<LeaderHeartbeat>());
        _member = new MemberRegistration(
            options.MembersPath,
            new MemberPayload(options.NodeId, options.AdvertisedUrl, time.GetUtcNow(), options.Version, StateName(options.Observer ? LeadershipState.Observer : LeadershipState.Idle)),
            _acls.For(options.MembersPath),
            loggerFactory.CreateLogger<MemberRegistration>());
        Election.LeadershipChanged += OnLeadershipChanged;
    }

    public LeaderElection Election { get; }

    public LeaderHeartbeat Heartbeat { get; }

    /// <summary>The current participant session, if connected at least once.</summary>
    public ZooKeeperClient? Client => _client;

    /// <summary>Raised when a fault starts or ends.</summary>
    public event Action<ActiveFault?>? FaultChanged;

    /// <summary>The fault this participant is living through, if any.</summary>
    public ActiveFault? Fault
    {
        get
        {
            lock (_faultLock)
            {
                return _fault is { } f && f.Until > _time.GetUtcNow() ? f : null;
            }
        }
    }

    /// <summary>The longest fault a participant lives through, whatever asks: the timers it reaches stay sane.</summary>
    public static readonly TimeSpan MaxFaultDuration = TimeSpan.FromSeconds(FaultPolicy.LongestFaultSeconds);

    /// <summary>Makes this participant fail as <paramref name="kind"/> for <paramref name="duration"/> (at most
    /// <see cref="MaxFaultDuration"/>). Only the participant session suffers; the node's observer session, and so its
    /// dashboard, carries on.</summary>
    public void Inject(string id, FaultKind kind, TimeSpan duration)
    {
        if (kind.HasDuration() && (duration <= TimeSpan.Zero || duration > MaxFaultDuration))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"A fault lasts more than zero and at most {MaxFaultDuration}.");
        }

        if (kind == FaultKind.Resign)
        {
            Election.Resign();
            return;
        }

        var now = _time.GetUtcNow();
        var fault = new ActiveFault(id, kind, now, now + duration);
        lock (_faultLock)
        {
            _fault = fault;
        }

        _logger.LogWarning("Node {NodeId}: simulated {Fault} for {Duration} ({FaultId})", _options.NodeId, kind, duration, id);
        FaultChanged?.Invoke(fault);
        _ = EndFaultLaterAsync(fault);
        var client = _client;
        switch (kind)
        {
            case FaultKind.Crash:
                client?.Faults.Crash();
                break;
            case FaultKind.Partition:
                client?.Faults.Partition(duration);
                break;
            case FaultKind.Pause:
                client?.Faults.Freeze(duration);
                break;
            case FaultKind.Leave:
                // Stop leading before the candidate goes, then close: the successor takes over at once.
                Election.SetState(LeadershipState.Left);
                _ = client?.CloseAsync();
                break;
        }
    }

    /// <summary>Ends the running fault early: a partition or pause lifts, a crashed or departed node comes back.</summary>
    public void Heal()
    {
        ActiveFault? ended;
        lock (_faultLock)
        {
            ended = _fault;
            _fault = null;
        }

        _client?.Faults.Heal();
        Interlocked.Exchange(ref _faultEnded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (ended is not null)
        {
            _logger.LogInformation("Node {NodeId}: fault {FaultId} ended", _options.NodeId, ended.Id);
            FaultChanged?.Invoke(null);
        }
    }

    private async Task EndFaultLaterAsync(ActiveFault fault)
    {
        try
        {
            await Task.Delay(fault.Until - fault.Since, _time, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        lock (_faultLock)
        {
            if (!ReferenceEquals(_fault, fault))
            {
                return; // healed or replaced meanwhile
            }
        }

        Heal();
    }

    // A crashed, departed or partitioned node stays away until its fault ends, even if its old session is gone.
    private async Task WhileDownAsync(CancellationToken cancellationToken)
    {
        while (Fault is { Kind: FaultKind.Crash or FaultKind.Leave or FaultKind.Partition } fault)
        {
            var ended = Volatile.Read(ref _faultEnded).Task;
            var remaining = fault.Until - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await Task.WhenAny(ended, Task.Delay(remaining, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void Start()
    {
        _loop = Task.Run(() => RunAsync(_stop.Token));
        _heartbeat = Task.Run(() => Heartbeat.RunAsync(_stop.Token));
    }

    private Task _heartbeat = Task.CompletedTask;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            ZooKeeperClient? zk = null;
            try
            {
                await WhileDownAsync(cancellationToken).ConfigureAwait(false);
                zk = await ZooKeeperClient.ConnectAsync(_options.ClientOptions(), _loggerFactory, _time, cancellationToken).ConfigureAwait(false);
                _client = zk;
                await zk.EnsureChrootAsync(_acls.Shared, cancellationToken).ConfigureAwait(false);
                await _member.RegisterAsync(zk, cancellationToken).ConfigureAwait(false);
                // Only a session that could take part resets the wait: one refused at once (NoAuth on a znode another
                // identity holds) backs off like a failed connection instead of reconnecting several times a second.
                backoff = TimeSpan.FromMilliseconds(200);
                if (_options.Observer)
                {
                    // An observer is a member that never queues: it just keeps its session until it ends.
                    Election.SetState(LeadershipState.Observer);
                    await zk.WaitForStateAsync(s => s is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await Election.RunAsync(zk, cancellationToken).ConfigureAwait(false);
                _logger.LogWarning("Participant session {SessionId} of {NodeId} ended ({State}); starting a new one", zk.SessionIdHex, _options.NodeId, zk.State);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Participant {NodeId} could not take part: {Reason}; retrying in {Backoff}", _options.NodeId, e.Message, backoff);
                Election.SetState(LeadershipState.Idle);
                await DelayAsync(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
            }
            finally
            {
                if (zk is not null && !cancellationToken.IsCancellationRequested)
                {
                    await zk.DisposeAsync().ConfigureAwait(false);
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
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (_client is { State: ConnectionState.Connected } zk && change.State is LeadershipState.Leader or LeadershipState.Follower)
        {
            _ = _member.PublishStateAsync(zk, StateName(change.State), _stop.Token);
        }
    }

    internal static string StateName(LeadershipState state) => state.ToString().ToLowerInvariant();

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
