using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// One node of the cluster: an election participant with its membership registration, plus an observer session
/// that keeps the live view for the dashboard. Faults act on the participant alone, so the dashboard keeps seeing.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly ClusterParticipant _participant;
    private readonly ClusterObserver _observer;

    public ClusterNode(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Options = options;
        _participant = new ClusterParticipant(options, loggerFactory, timeProvider);
        _observer = new ClusterObserver(options, loggerFactory, timeProvider);
    }

    public ClusterNodeOptions Options { get; }

    public IElectionParticipant Participant => _participant.Election;

    /// <summary>The election itself: resign and fenced writes.</summary>
    public LeaderElection Election => _participant.Election;

    public IClusterObserver Observer => _observer;

    /// <summary>Starts the sessions in the background and returns; it does not wait for ZooKeeper.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _observer.Start();
        _participant.Start();
        return Task.CompletedTask;
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
