using ClusterDashboard.Coordination.Security;
using ClusterDashboard.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>Participants of one election in one test, each on its own session.</summary>
internal sealed class ElectionCluster(string connectString, TimeSpan sessionTimeout, LeadershipPolicy policy = LeadershipPolicy.Standard, TimeSpan? heartbeat = null, ILoggerFactory? loggerFactory = null) : IAsyncDisposable
{
    private readonly List<ClusterParticipant> _participants = [];
    private readonly List<ClusterObserver> _observers = [];

    public IReadOnlyList<ClusterParticipant> Participants => _participants;

    public ClusterParticipant Start(string nodeId)
    {
        var participant = new ClusterParticipant(Options(nodeId), loggerFactory ?? NullLoggerFactory.Instance, TimeProvider.System);
        _participants.Add(participant);
        participant.Start();
        return participant;
    }

    /// <summary>A view of the election as node <paramref name="nodeId"/>'s dashboard keeps it, started now and
    /// disposed with the cluster.</summary>
    public ClusterObserver Observe(string nodeId = "watcher")
    {
        var observer = new ClusterObserver(Options(nodeId), loggerFactory ?? NullLoggerFactory.Instance, TimeProvider.System);
        _observers.Add(observer);
        observer.Start();
        return observer;
    }

    public ClusterNodeOptions Options(string nodeId) => new()
    {
        ConnectString = connectString,
        SessionTimeout = sessionTimeout,
        NodeId = nodeId,
        AdvertisedUrl = $"http://{nodeId}.test",
        LeadershipPolicy = policy,
        HeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(1),
        Credentials = Credentials,
    };

    /// <summary>The cluster's identity, as ./run.sh runs with one.</summary>
    public static ClusterCredentials Credentials { get; } = ClusterCredentials.Parse(TestCredentials.Auth);

    public IEnumerable<ClusterParticipant> Leaders => _participants.Where(p => p.Election.State == LeadershipState.Leader);

    public async ValueTask DisposeAsync()
    {
        foreach (var participant in _participants)
        {
            await participant.DisposeAsync();
        }

        foreach (var observer in _observers)
        {
            await observer.DisposeAsync();
        }
    }
}
