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
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private ZooKeeperClient? _client;

    public ClusterParticipant(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<ClusterParticipant>();
        Election = new LeaderElection(options.ElectionPath, options.NodeId, options.AdvertisedUrl, time, loggerFactory.CreateLogger<LeaderElection>(), options.LeadershipPolicy);
        Heartbeat = new LeaderHeartbeat(Election, options, time, loggerFactory.CreateLogger<LeaderHeartbeat>());
        _member = new MemberRegistration(
            options.MembersPath,
            new MemberPayload(options.NodeId, options.AdvertisedUrl, time.GetUtcNow(), options.Version, StateName(options.Observer ? LeadershipState.Observer : LeadershipState.Idle)),
            loggerFactory.CreateLogger<MemberRegistration>());
        Election.LeadershipChanged += OnLeadershipChanged;
    }

    public LeaderElection Election { get; }

    public LeaderHeartbeat Heartbeat { get; }

    /// <summary>The current participant session, if connected at least once.</summary>
    public ZooKeeperClient? Client => _client;

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
                zk = await ZooKeeperClient.ConnectAsync(ClientOptions(), _loggerFactory, _time, cancellationToken).ConfigureAwait(false);
                _client = zk;
                backoff = TimeSpan.FromMilliseconds(200);
                await zk.EnsureChrootAsync(cancellationToken).ConfigureAwait(false);
                await _member.RegisterAsync(zk, cancellationToken).ConfigureAwait(false);
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

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private void OnLeadershipChanged(LeadershipChange change)
    {
        if (_client is { State: ConnectionState.Connected } zk && change.State is LeadershipState.Leader or LeadershipState.Follower)
        {
            _ = _member.PublishStateAsync(zk, StateName(change.State), _stop.Token);
        }
    }

    private ZooKeeperClientOptions ClientOptions() => new() { ConnectString = _options.ConnectString, SessionTimeout = _options.SessionTimeout };

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
