using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>Everything one node needs to take part in the cluster.</summary>
public sealed record ClusterNodeOptions
{
    /// <summary>ZooKeeper servers, "host:port,host:port[/chroot]".</summary>
    public required string ConnectString { get; init; }

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public required string NodeId { get; init; }

    /// <summary>The URL other services use to reach this node; published in its member and candidate znodes.</summary>
    public required string AdvertisedUrl { get; init; }

    public string ElectionPath { get; init; } = "/election";

    /// <summary>Where each participant session keeps its marker: whether it still holds the candidate it made last
    /// (<see cref="LeaderElection"/>), so a new leader knows no older one may still believe it leads. Default: the
    /// election path with "-sessions" appended, so two elections in one namespace keep apart.</summary>
    public string ElectionSessionsPath
    {
        get => _electionSessionsPath ?? SessionMarker.DefaultPathFor(ElectionPath);
        init => _electionSessionsPath = value;
    }

    private readonly string? _electionSessionsPath;

    public string MembersPath { get; init; } = "/members";

    /// <summary>Where the leader writes its fenced heartbeat.</summary>
    public string HeartbeatPath { get; init; } = "/leader-heartbeat";

    /// <summary>How often the leader writes its heartbeat; zero turns it off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = DefaultHeartbeatInterval;

    /// <summary>How often a leader beats unless told otherwise.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the writes that only follow a change of leadership wait: the new leader's status, member state,
    /// history record and first heartbeat, every node's record of having seen it, and a resigned leader's new candidate.
    /// Meanwhile the change reaches every node's views without a dozen commits and their notifications competing with
    /// it for the servers and the cores. What says a node stopped leading (its status) is written at once.</summary>
    public TimeSpan FollowUpDelay
    {
        get => _followUpDelay;
        init => _followUpDelay = value >= TimeSpan.Zero && value <= TimeSpan.FromMinutes(1) ? value
            : throw new ArgumentOutOfRangeException(nameof(FollowUpDelay), value, "the follow-up delay must be between zero and one minute");
    }

    private readonly TimeSpan _followUpDelay = DefaultFollowUpDelay;

    /// <summary>The follow-up delay unless told otherwise: longer than every view takes at p99 in the views benchmark,
    /// short enough that nobody sees it on the page.</summary>
    public static readonly TimeSpan DefaultFollowUpDelay = TimeSpan.FromMilliseconds(50);

    public LeadershipPolicy LeadershipPolicy { get; init; } = LeadershipPolicy.Standard;

    /// <summary>An observer follows the election and is a member, but never a candidate.</summary>
    public bool Observer { get; init; }

    /// <summary>The application version published in the member znode.</summary>
    public string Version { get; init; } = "0.0.0";

    /// <summary>The identity every session of this node authenticates as. With it, every znode the cluster creates
    /// is writable by that identity alone (<see cref="ClusterAcls"/>); without it, by anyone.</summary>
    public ClusterCredentials? Credentials { get; init; }

    /// <summary>What this node accepts as the target of a fault order; it publishes it and applies it itself.</summary>
    public FaultPolicy Faults { get; init; } = FaultPolicy.Disabled;

    /// <summary>The cluster's own znodes: everything the node reads, watches, writes or serves lies under these.</summary>
    public IReadOnlyList<string> OwnPaths => [ElectionPath, ElectionSessionsPath, MembersPath, HeartbeatPath, ClusterNode.StatusPath, ClusterNode.CommandsPath, ClusterNode.HistoryPath];

    /// <summary>TLS to the servers' secureClientPort for every session and every four-letter word; plain TCP without.</summary>
    public ZooKeeperTlsOptions? Tls { get; init; }

    /// <summary>How this node opens a connection to a server: over <paramref name="under"/> (plain TCP unless given),
    /// in TLS when <see cref="Tls"/> is set.</summary>
    public ZooKeeperDialer Dialer(ZooKeeperDialer? under = null) => Tls is { } tls ? ZooKeeperDialers.Tls(tls, under) : under ?? ZooKeeperDialers.Tcp;

    /// <summary>Where the sessions' client instruments are made (<see cref="ZooKeeperClientOptions.MeterFactory"/>).</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }

    /// <summary>The options of every ZooKeeper session this node opens: same servers, timeout and credentials; the
    /// participant's dial through its fault link (TLS, if on, runs over the link, as it would over a real network).</summary>
    internal ZooKeeperClientOptions ClientOptions(ZooKeeperDialer? dialer = null) => new()
    {
        MeterFactory = MeterFactory,
        ConnectString = ConnectString,
        SessionTimeout = SessionTimeout,
        DigestAuth = Credentials is { } credentials ? [credentials.DigestAuth] : [],
        Dialer = Dialer(dialer),
    };
}
