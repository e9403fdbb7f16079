using System.Globalization;
using ClusterDashboard.Coordination.FaultLinks;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Testing.Chaos;

/// <summary>What the campaign can do to the cluster: every fault a node can live through, an operator deleting a
/// candidate, and the ZooKeeper servers themselves failing, one or a quorum's worth.</summary>
public enum ChaosFaultKind
{
    Partition,
    PartitionOneWay,
    Latency,
    Pause,
    Crash,
    Leave,
    Resign,
    DeleteCandidate,
    ServerKill,
    ServerPause,
    QuorumLoss,
}

/// <summary>
/// One step of the campaign, drawn from the seed alone. A node fault aimed <see cref="AtLeader"/> hits whichever node
/// leads when it is applied; otherwise node number <see cref="Node"/>. So a seed replays the same schedule exactly,
/// while which process holds the leader's role is the run's.
/// </summary>
public sealed record ChaosFault(int Number, ChaosFaultKind Kind, bool AtLeader, int Node, TimeSpan Duration, FaultParameters Parameters, IReadOnlyList<int> Servers, bool Kill)
{
    /// <summary>A second node fault that overlaps this one, at another node, starting <see cref="CompanionDelay"/>
    /// after it: the compound failures (the successor paused while the leader is cut off) single faults never make.</summary>
    public ChaosFault? Companion { get; init; }

    public TimeSpan CompanionDelay { get; init; }

    public bool IsServerFault => Kind is ChaosFaultKind.ServerKill or ChaosFaultKind.ServerPause or ChaosFaultKind.QuorumLoss;

    /// <summary>The product's fault for a node fault (delete-candidate is the operator's, not the node's).</summary>
    public FaultKind? NodeFault => NodeFaultOf(Kind);

    public static FaultKind? NodeFaultOf(ChaosFaultKind kind) => kind switch
    {
        ChaosFaultKind.Partition => FaultKind.Partition,
        ChaosFaultKind.PartitionOneWay => FaultKind.PartitionOneWay,
        ChaosFaultKind.Latency => FaultKind.Latency,
        ChaosFaultKind.Pause => FaultKind.Pause,
        ChaosFaultKind.Crash => FaultKind.Crash,
        ChaosFaultKind.Leave => FaultKind.Leave,
        ChaosFaultKind.Resign => FaultKind.Resign,
        _ => null,
    };

    /// <summary>A node fault goes by the product's own name; the others are the campaign's.</summary>
    public static string Name(ChaosFaultKind kind) => NodeFaultOf(kind)?.Name() ?? kind switch
    {
        ChaosFaultKind.DeleteCandidate => "delete-candidate",
        ChaosFaultKind.ServerKill => "zk-kill",
        ChaosFaultKind.ServerPause => "zk-sigstop",
        ChaosFaultKind.QuorumLoss => "quorum-loss",
        _ => kind.ToString(),
    };

    public override string ToString()
    {
        var target = IsServerFault
            ? $"zk{string.Join("+zk", Servers.Select(s => (s + 1).ToString(CultureInfo.InvariantCulture)))}{(Kind == ChaosFaultKind.QuorumLoss ? Kill ? " killed" : " stopped" : string.Empty)}"
            : AtLeader ? "the leader" : $"node-{Node + 1}";
        var lasting = Kind is ChaosFaultKind.Resign or ChaosFaultKind.DeleteCandidate ? string.Empty : $" for {Duration.TotalMilliseconds:F0} ms";
        var with = Companion is { } c ? $", with {Name(c.Kind)}{c.Detail()} at another node after {CompanionDelay.TotalMilliseconds:F0} ms for {c.Duration.TotalMilliseconds:F0} ms" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"#{Number} {Name(Kind)}{Detail()} at {target}{lasting}{with}");
    }

    private string Detail() => Kind switch
    {
        ChaosFaultKind.PartitionOneWay => $" {Parameters.Direction?.ToString().ToLowerInvariant()}",
        ChaosFaultKind.Latency => string.Create(CultureInfo.InvariantCulture, $" {Parameters.LatencyMs}±{Parameters.JitterMs} ms"),
        _ => string.Empty,
    };
}

/// <summary>The campaign's faults, drawn one after another from one seed.</summary>
public sealed class ChaosSchedule(int seed, int nodes, int servers, TimeSpan sessionTimeout)
{
    // How often each kind comes up, out of 100: the silent ones most, since they are what a leader cannot be told.
    private static readonly (ChaosFaultKind Kind, int Weight)[] Weights =
    [
        (ChaosFaultKind.Partition, 14),
        (ChaosFaultKind.PartitionOneWay, 12),
        (ChaosFaultKind.Latency, 8),
        (ChaosFaultKind.Pause, 12),
        (ChaosFaultKind.Crash, 10),
        (ChaosFaultKind.Leave, 7),
        (ChaosFaultKind.Resign, 7),
        (ChaosFaultKind.DeleteCandidate, 8),
        (ChaosFaultKind.ServerKill, 8),
        (ChaosFaultKind.ServerPause, 8),
        (ChaosFaultKind.QuorumLoss, 6),
    ];

    // What a companion fault can be: the ways a second node goes quiet or slow while the first fault runs.
    private static readonly ChaosFaultKind[] CompanionKinds = [ChaosFaultKind.Partition, ChaosFaultKind.PartitionOneWay, ChaosFaultKind.Latency, ChaosFaultKind.Pause, ChaosFaultKind.Crash];

    private readonly Random _random = new(seed);
    private int _number;

    public int Seed => seed;

    /// <summary>The next fault; one in four comes with a companion at another node.</summary>
    public ChaosFault Next()
    {
        var fault = Draw(Draw(), ++_number);
        if (_random.Next(4) != 0)
        {
            return fault;
        }

        var companion = Draw(CompanionKinds[_random.Next(CompanionKinds.Length)], fault.Number) with { AtLeader = false };
        var delay = fault.Duration * (0.5 * _random.NextDouble());
        return fault with { Companion = companion, CompanionDelay = delay };
    }

    private ChaosFault Draw(ChaosFaultKind kind, int number)
    {
        var atLeader = kind == ChaosFaultKind.Resign || _random.Next(2) == 0;
        var node = _random.Next(nodes);
        var parameters = kind switch
        {
            ChaosFaultKind.PartitionOneWay => new FaultParameters(Direction: _random.Next(2) == 0 ? LinkDirection.Upstream : LinkDirection.Downstream),
            // Well inside what the lease tolerates (a round trip under a third of the session): a slow network, not a
            // partition in disguise.
            ChaosFaultKind.Latency => Latency(),
            _ => FaultParameters.None,
        };
        var chosen = Enumerable.Range(0, servers).OrderBy(_ => _random.Next()).Take(kind == ChaosFaultKind.QuorumLoss ? (servers / 2) + 1 : 1).Order().ToList();
        // A quorum is lost by killing its servers, never by stopping them: two servers stopped together, the ZAB leader
        // one of them, sometimes left ZooKeeper 3.8 answering connections but committing nothing for over a minute once
        // resumed (sessions made and expired unanswered). A single server is still stopped as well as killed. The draw
        // is made all the same, so a seed's schedule stays as it was otherwise.
        var kill = _random.Next(2) == 0 || kind == ChaosFaultKind.QuorumLoss;
        return new ChaosFault(number, kind, atLeader, node, Duration(kind), parameters, chosen, kill);
    }

    private FaultParameters Latency()
    {
        var oneWay = sessionTimeout.TotalMilliseconds / 12;
        var latency = (int)(oneWay * (0.2 + (0.8 * _random.NextDouble())));
        return new FaultParameters(LatencyMs: Math.Max(1, latency), JitterMs: latency / 4);
    }

    // Short (the session and the lease survive it), around the lease and the expiry, or well past the session.
    private TimeSpan Duration(ChaosFaultKind kind)
    {
        var band = _random.Next(3);
        var (low, high) = kind switch
        {
            ChaosFaultKind.Crash or ChaosFaultKind.Leave => (0.05, 0.75),
            ChaosFaultKind.ServerKill => (0.25, 1.5),
            _ => band switch
            {
                0 => (0.1, 0.5),
                1 => (0.5, 1.2),
                _ => (1.2, 2.2),
            },
        };
        return sessionTimeout * (low + ((high - low) * _random.NextDouble()));
    }

    private ChaosFaultKind Draw()
    {
        var roll = _random.Next(Weights.Sum(w => w.Weight));
        foreach (var (kind, weight) in Weights)
        {
            if ((roll -= weight) < 0)
            {
                return kind;
            }
        }

        return Weights[^1].Kind;
    }
}
