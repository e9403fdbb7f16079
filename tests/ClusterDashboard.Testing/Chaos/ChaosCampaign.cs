using System.Diagnostics;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Testing.Chaos;

/// <summary>
/// A Jepsen-style campaign against the product's own node code: a real 3-server ensemble, several ClusterNodes (the
/// web host's node, under both leadership policies) each writing its token to a fenced register while it leads, and a
/// seeded schedule of faults one after another: silent and one-way partitions, latency, pauses, crashes, departures,
/// resignations, a candidate deleted by an operator, a ZooKeeper server killed or stopped, a quorum lost. After each
/// heal every node must agree on one leader within the session timeout + 1 s; at the end (and along the way) the
/// checker reads the history: no two unpaused nodes ever led at once, tokens only rose, the register never took a
/// stale token, and a leader was there for at least 95% of the time one was owed.
/// </summary>
public sealed class ChaosCampaign
{
    private readonly ChaosOptions _options;
    private readonly LeadershipHistory _history = new();
    private readonly List<ClusterNode> _nodes = [];
    private readonly List<string> _missed = [];
    private readonly Dictionary<ChaosFaultKind, int> _counts = [];
    private ZooKeeperCluster _zookeeper = null!;
    private ZooKeeperClient? _operator;
    private string _connectString = string.Empty;
    private TimeSpan _longestAgreement;

    private ChaosCampaign(ChaosOptions options) => _options = options;

    private static readonly IReadOnlyList<Acl> ClusterOnly = [new Acl(Permissions.All, ZooKeeperId.Digest(TestCredentials.User, TestCredentials.Password))];

    public static async Task<ChaosReport> RunAsync(ChaosOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var campaign = new ChaosCampaign(options);
        return await campaign.RunAsync(cancellationToken);
    }

    private async Task<ChaosReport> RunAsync(CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        // A follower that lost its leader stops serving within syncLimit ticks (1 s here), inside the session timeout:
        // the lease relies on it (LeaderLease).
        await using var zookeeper = await ZooKeeperCluster.StartAsync(3, new ZooKeeperClusterOptions { ExtraConfig = ["syncLimit=4"] }, cancellationToken);
        _zookeeper = zookeeper;
        _connectString = zookeeper.ConnectString + "/chaos";
        var op = await OperatorAsync(cancellationToken);
        await op.EnsureChrootAsync(ClusterOnly, cancellationToken);
        var credentials = ClusterCredentials.Parse(TestCredentials.Auth);
        for (var i = 1; i <= _options.Nodes; i++)
        {
            var node = new ClusterNode(
                new ClusterNodeOptions
                {
                    ConnectString = _connectString,
                    SessionTimeout = _options.SessionTimeout,
                    NodeId = $"node-{i}",
                    AdvertisedUrl = $"http://node-{i}.chaos.test",
                    LeadershipPolicy = i % 2 == 1 ? LeadershipPolicy.Standard : LeadershipPolicy.SessionOnly,
                    Credentials = credentials,
                },
                _options.LoggerFactory,
                TimeProvider.System);
            _history.Watch(node);
            _nodes.Add(node);
            await node.StartAsync(cancellationToken);
        }

        FencedRegister? register = null;
        try
        {
            // The first election pays for cold sessions and a cold JIT: a start-up deadline, not the campaign's bound.
            if (await AgreementAsync(TimeSpan.FromSeconds(60), cancellationToken) is null)
            {
                throw new InvalidOperationException("the nodes never agreed on a first leader");
            }

            register = await FencedRegister.StartAsync(OperatorAsync, _nodes, ClusterOnly, _options.WriteInterval);
            var from = LeadershipHistory.Now;
            var reported = from;
            var schedule = new ChaosSchedule(_options.Seed, _options.Nodes, zookeeper.Servers.Count, _options.SessionTimeout);
            for (var i = 0; i < _options.Faults; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fault = schedule.Next();
                await StepAsync(fault, cancellationToken);
                if ((i + 1) % 20 == 0)
                {
                    await VerifyRegisterAsync(register, cancellationToken);
                    var interim = ChaosChecker.Check(_history, from, LeadershipHistory.Now);
                    _options.Log($"after {i + 1} faults: {interim.Overlaps.Count} overlaps, {register.StaleWrites.Count} stale writes, {register.Verified} register writes checked, availability {interim.Availability:P1}");
                    foreach (var overlap in interim.Overlaps.Where(o => o.At >= reported))
                    {
                        _options.Log($"  overlap of {overlap.Length.TotalMilliseconds:F1} ms between {overlap.First.Node} (token {overlap.First.Token}) and {overlap.Second.Node} (token {overlap.Second.Token}), during {_history.StepAt(overlap.At)}");
                    }

                    reported = LeadershipHistory.Now;
                }
            }

            var until = LeadershipHistory.Now;
            await register.DisposeAsync();
            await VerifyRegisterAsync(register, cancellationToken);
            var verdict = ChaosChecker.Check(_history, from, until);
            foreach (var overlap in verdict.Overlaps)
            {
                _options.Log($"overlap of {overlap.Length.TotalMilliseconds:F1} ms between {overlap.First.Node} and {overlap.Second.Node}, during {_history.StepAt(overlap.At)}");
            }

            foreach (var gap in verdict.Gaps)
            {
                _options.Log($"no leader for {Stopwatch.GetElapsedTime(0, gap.Length).TotalMilliseconds:F0} ms while one was owed, {Stopwatch.GetElapsedTime(_history.StepStart(gap.Start), gap.Start).TotalMilliseconds:F0} ms into {_history.StepAt(gap.Start)}; from its step's start: {_history.ChangesBetween(_history.StepStart(gap.Start), gap.End + Ticks(TimeSpan.FromMilliseconds(100)))}");
            }

            return new ChaosReport(
                _options,
                _counts,
                verdict,
                new FencedRegisterFigures(register.Verified, register.Accepted, register.Refused, register.StaleWrites),
                _longestAgreement,
                _missed,
                Stopwatch.GetElapsedTime(began));
        }
        finally
        {
            if (register is not null)
            {
                await register.DisposeAsync();
                register.Dispose();
            }

            foreach (var node in _nodes)
            {
                await node.DisposeAsync();
            }

            if (_operator is not null)
            {
                await _operator.DisposeAsync();
            }
        }
    }

    private async Task StepAsync(ChaosFault fault, CancellationToken cancellationToken)
    {
        var start = LeadershipHistory.Now;
        _history.Step(start, fault.ToString());
        var leader = _nodes.FirstOrDefault(n => n.Election.State == LeadershipState.Leader);
        var target = fault.AtLeader && leader is not null ? leader : _nodes[fault.Node];
        var hitLeader = target == leader;
        // A companion hits another node, never the first fault's target.
        var second = fault.Companion is { } c ? _nodes[c.Node == _nodes.IndexOf(target) ? (c.Node + 1) % _nodes.Count : c.Node] : null;
        var applied = TryApplyAsync(fault, target, TimeSpan.Zero, cancellationToken);
        var alongside = fault.Companion is { } companion ? TryApplyAsync(companion, second!, fault.CompanionDelay, cancellationToken) : Task.FromResult(string.Empty);
        var outcome = await applied;
        if (fault.Companion is not null)
        {
            outcome += $"; {second!.Options.NodeId}{(second == leader ? " (the leader)" : string.Empty)}: {await alongside}";
        }

        var healed = LeadershipHistory.Now;
        ExcuseFailover(fault, start, healed, hitLeader);
        if (fault.Companion is { } c2)
        {
            ExcuseFailover(c2, start + Ticks(fault.CompanionDelay), healed, second == leader);
        }

        var agreed = await AgreementAsync(_options.AgreementBound, cancellationToken);
        if (agreed is null)
        {
            // What the nodes and servers were doing when the bound ran out, not once they agreed at last.
            var atBound = $"{Describe()}; servers: {await ServerModesAsync(cancellationToken)}";
            var late = await AgreementAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var missed = $"{fault} ({outcome}): no agreement within {_options.AgreementBound.TotalMilliseconds:F0} ms of the heal{(late is null ? ", nor a minute later" : $"; it came {(_options.AgreementBound + late.Value).TotalMilliseconds:F0} ms after")}; at the bound: {atBound}";
            _missed.Add(missed);
            _options.Log(missed);
            if (late is null)
            {
                var servers = string.Join("\n", _zookeeper.Servers.Select(z => $"--- zk{z.Id}:\n{z.Tail()}"));
                throw new InvalidOperationException($"the cluster did not recover from {fault}: {Describe()}\n{servers}");
            }
        }
        else if (agreed > _longestAgreement)
        {
            _longestAgreement = agreed.Value;
        }

        _counts[fault.Kind] = _counts.GetValueOrDefault(fault.Kind) + 1;
        _options.Log($"{fault}{(fault.IsServerFault || fault.Kind == ChaosFaultKind.Resign ? string.Empty : $" ({target.Options.NodeId}{(hitLeader ? ", the leader" : string.Empty)})")}: {outcome}; agreed {agreed?.TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) ?? "late"} ms after the heal");
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    // Taking the leader away costs a failover whose length ZooKeeper decides (ChaosOptions.FailoverBound). No leader is
    // owed in that window after such a fault begins (a fault at the leader, a server's), nor while a quorum is lost and
    // the window after it returns. A fault at a follower, or latency, must cost the leader nothing, and a resignation
    // or a deleted candidate hands over at once.
    private void ExcuseFailover(ChaosFault fault, long start, long healed, bool hitLeader)
    {
        var window = Ticks(_options.FailoverBound);
        switch (fault.Kind)
        {
            case ChaosFaultKind.QuorumLoss:
                _history.Excuse(start, healed + window);
                break;
            case ChaosFaultKind.ServerKill or ChaosFaultKind.ServerPause when _ensembleLeaderHit.Contains(fault.Number):
                _history.Excuse(start, healed + window);
                break;
            case ChaosFaultKind.ServerKill or ChaosFaultKind.ServerPause:
                _history.Excuse(start, start + window);
                break;
            case ChaosFaultKind.Resign or ChaosFaultKind.DeleteCandidate when hitLeader:
                _history.Excuse(start, start + Ticks(TimeSpan.FromSeconds(1)));
                break;
            case ChaosFaultKind.Latency:
                break;
            default:
                if (hitLeader)
                {
                    _history.Excuse(start, start + window);
                }

                break;
        }
    }

    private async Task<string> TryApplyAsync(ChaosFault fault, ClusterNode target, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken); // the schedule's offset, not a wait for a condition
            }

            return await ApplyAsync(fault, target, cancellationToken);
        }
        catch (Exception e) when (e is NotLeaderException or InvalidOperationException or ZooKeeperException)
        {
            return $"not applied: {e.Message}";
        }
    }

    private async Task<string> ApplyAsync(ChaosFault fault, ClusterNode target, CancellationToken cancellationToken)
    {
        var id = $"chaos-{fault.Number:x4}";
        switch (fault.Kind)
        {
            case ChaosFaultKind.Resign:
                var resigning = target.Election.Znode;
                target.Election.Resign();
                // Agreement is judged once the resignation took effect, not on the old leader still in place.
                return await LetGoAsync(target, resigning, cancellationToken) ? "resigned" : "resigned, but it still leads with its candidate";
            case ChaosFaultKind.DeleteCandidate:
                if (target.Election.Znode is not { } znode)
                {
                    return "it had no candidate";
                }

                try
                {
                    await (await OperatorAsync(cancellationToken)).DeleteAsync($"/election/{znode}", cancellationToken: cancellationToken);
                    return $"deleted {znode}" + (await LetGoAsync(target, znode, cancellationToken) ? string.Empty : ", but the node still holds it");
                }
                catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
                {
                    return "its candidate was gone already";
                }

            case ChaosFaultKind.ServerKill or ChaosFaultKind.ServerPause or ChaosFaultKind.QuorumLoss:
                var servers = fault.Servers.Select(s => _zookeeper.Servers[s]).ToList();
                var kill = fault.Kind == ChaosFaultKind.ServerKill || (fault.Kind == ChaosFaultKind.QuorumLoss && fault.Kill);
                // Stopping the ensemble's own leader stops the ensemble until the others elect one (followers drop
                // every client meanwhile): for that fault ZooKeeper owes nobody a session, as in a quorum loss.
                var ensembleLeader = fault.Kind != ChaosFaultKind.QuorumLoss && await LeadsEnsembleAsync(servers[0], cancellationToken);
                if (ensembleLeader)
                {
                    _ensembleLeaderHit.Add(fault.Number);
                }

                foreach (var server in servers)
                {
                    await (kill ? server.KillAsync() : server.PauseAsync());
                }

                await Task.Delay(fault.Duration, cancellationToken); // the schedule's length, not a wait for a condition
                foreach (var server in servers)
                {
                    await (kill ? server.StartAsync(cancellationToken) : server.ResumeAsync());
                }

                return (kill ? "killed and restarted" : "stopped and resumed") + (ensembleLeader ? " (the ensemble's leader)" : string.Empty);
            default:
                target.Inject(id, fault.NodeFault!.Value, fault.Duration, fault.Parameters);
                await Task.Delay(fault.Duration, cancellationToken);
                target.Heal();
                return "applied and healed";
        }
    }

    private readonly HashSet<int> _ensembleLeaderHit = [];

    private static async Task<bool> LeadsEnsembleAsync(ZooKeeperServer server, CancellationToken cancellationToken)
    {
        try
        {
            return (await ClusterDashboard.ZooKeeper.Admin.FourLetterWords.SrvrAsync(server.Address, TimeSpan.FromSeconds(1), cancellationToken: cancellationToken)).Mode == ClusterDashboard.ZooKeeper.Admin.ServerMode.Leader;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false; // not answering: it leads nothing
        }
    }

    // Until the node no longer holds that candidate (it queued again), within the agreement bound.
    private async Task<bool> LetGoAsync(ClusterNode node, string? candidate, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (node.Election.Znode == candidate && candidate is not null)
        {
            if (Stopwatch.GetElapsedTime(start) > _options.AgreementBound)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken);
        }

        return true;
    }

    // One leader, every other node follows it with a candidate that is in the queue, and every node's own view of the
    // cluster names that leader.
    private bool Agreed()
    {
        var leaders = _nodes.Where(n => n.Election.State == LeadershipState.Leader).ToList();
        return leaders is [var leader]
            && _nodes.All(n => n == leader || n.Election.State == LeadershipState.Follower)
            && _nodes.All(n => n.Observer.Current.Leader?.NodeId == leader.Options.NodeId)
            && _nodes.All(n => leader.Observer.Current.Candidates.Any(c => c.Znode == n.Election.Znode));
    }

    private string Describe() => string.Join(", ", _nodes.Select(n =>
        $"{n.Options.NodeId} {n.Election.State} with {n.Election.Znode ?? "no candidate"} (sees {n.Observer.Current.Leader?.NodeId ?? "no leader"}, queue {string.Join(" ", n.Observer.Current.Candidates.Select(c => c.Znode))})"));

    private async Task<string> ServerModesAsync(CancellationToken cancellationToken)
    {
        var modes = new List<string>();
        foreach (var server in _zookeeper.Servers)
        {
            modes.Add($"zk{server.Id} {await server.ModeAsync(cancellationToken) ?? "not serving"}");
        }

        return string.Join(", ", modes);
    }

    private async Task<TimeSpan?> AgreementAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            if (Agreed())
            {
                return Stopwatch.GetElapsedTime(start);
            }

            if (Stopwatch.GetElapsedTime(start) > bound)
            {
                return null;
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private static async Task VerifyRegisterAsync(FencedRegister register, CancellationToken cancellationToken)
    {
        // Read on the operator's session, made anew if a long quorum loss ended it.
        await Eventually.UntilAsync(async ct => { await register.VerifyAsync(ct); return true; }, TimeSpan.FromSeconds(60), "the register is read");
    }

    private async Task<ZooKeeperClient> OperatorAsync(CancellationToken cancellationToken)
    {
        if (_operator is { State: ConnectionState.Connected or ConnectionState.Connecting or ConnectionState.Disconnected } live)
        {
            return live;
        }

        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        var options = TestCredentials.ClientOptions(_connectString);
        _operator = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions { ConnectString = options.ConnectString, DigestAuth = options.DigestAuth, SessionTimeout = TimeSpan.FromSeconds(30) },
            cancellationToken: cancellationToken);
        return _operator;
    }
}
