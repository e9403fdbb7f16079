using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// One node of the cluster: an election participant with its membership registration, plus an observer session
/// that keeps the live view for the dashboard.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    public ClusterNode(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        throw new NotImplementedException("being written");
    }

    public IElectionParticipant Participant => throw new NotImplementedException();

    public IClusterObserver Observer => throw new NotImplementedException();

    /// <summary>Starts the sessions in the background and returns; it does not wait for ZooKeeper.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Leaves gracefully: closes the sessions so the candidate and member znodes vanish at once.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
