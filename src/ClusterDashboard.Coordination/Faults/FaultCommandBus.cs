using System.Collections.Concurrent;
using ClusterDashboard.Coordination.Security;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination.Faults;

/// <summary>
/// Carries fault orders between nodes through ZooKeeper, and decides on the orders addressed to this node.
/// <para>Ordering: the node that takes a request checks it against what the target publishes (so what the target
/// would refuse is refused at once), writes it as a command znode under /commands/{target} and waits for the
/// target's verdict in the history. An order nobody takes in time is withdrawn, so it cannot fire later.</para>
/// <para>Deciding: the target alone decides, whoever wrote the command: it claims the command by deleting it, then
/// carries it out only if its own policy allows the kind and duration, the order proves it knows the target's key,
/// and the command is fresh. Every verdict, refusals with their reason included, goes to the history and the log.</para>
/// </summary>
public sealed class FaultCommandBus
{
    private static readonly TimeSpan WithdrawnGrace = TimeSpan.FromSeconds(2);

    private readonly ClusterNodeOptions _options;
    private readonly ClusterObserver _observer;
    private readonly ClusterParticipant _participant;
    private readonly HistoryWriter _history;
    private readonly ClusterAcls _acls;
    private readonly BackgroundTasks _background;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FaultVerdict>> _awaiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly TimeSpan _verdictTimeout;
    private readonly CancellationToken _stopping;

    /// <param name="stopping">Fires when the node stops: work on commands then ends, not waiting for ZooKeeper.</param>
    internal FaultCommandBus(ClusterNodeOptions options, ClusterObserver observer, ClusterParticipant participant, HistoryWriter history, ClusterAcls acls, BackgroundTasks background, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        _stopping = stopping;
        _options = options;
        _observer = observer;
        _participant = participant;
        _history = history;
        _acls = acls;
        _background = background;
        _time = time;
        _logger = logger;
        _verdictTimeout = options.SessionTimeout > TimeSpan.FromSeconds(5) ? options.SessionTimeout : TimeSpan.FromSeconds(5);
    }

    private string Self => _options.NodeId;

    private FaultPolicy Policy => _options.Faults;

    private static string CommandsOf(string nodeId) => ZooKeeperPath.Combine(ClusterNode.CommandsPath, nodeId);

    public bool IsOwnKey(string? supplied) => Policy.Key is not { } key || key.Matches(supplied);

    public async Task<FaultVerdict> OrderAsync(FaultOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (CheckAtOnce(order) is { } refused)
        {
            return FaultVerdict.Refused(null, order, refused.Refusal, refused.Reason);
        }

        if (_observer.Client is not { State: ConnectionState.Connected } zk)
        {
            return FaultVerdict.Refused(null, order, FaultRefusal.Unavailable, $"{Self} cannot reach ZooKeeper right now, so it cannot pass the order on.");
        }

        var id = FaultIds.New();
        var parameters = order.With;
        var command = new FaultCommand(id, order.NodeId, order.Kind?.Name(), order.DurationSeconds ?? 0, _time.GetUtcNow(), Self, Direction: parameters.Direction?.Name(), LatencyMs: parameters.LatencyMs, JitterMs: parameters.JitterMs);
        if (order.ApiKey is { } key)
        {
            command = command with { Proof = FaultKey.Sign(key, command.SignedText) };
        }

        var verdict = new TaskCompletionSource<FaultVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaiting[id] = verdict;
        try
        {
            string path;
            try
            {
                var acl = _acls.For(ClusterNode.CommandsPath);
                await ZooKeeperPaths.EnsureAsync(zk, CommandsOf(order.NodeId), acl, cancellationToken).ConfigureAwait(false);
                // Not cancelled half way: a create that went through unseen could not be withdrawn.
                path = (await zk.CreateAsync(ZooKeeperPath.Combine(CommandsOf(order.NodeId), "cmd-"), command.ToBytes(), CreateMode.PersistentSequential, acl, cancellationToken: CancellationToken.None).ConfigureAwait(false)).Path;
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoAuth)
            {
                return FaultVerdict.Refused(null, order, FaultRefusal.Unavailable, $"{Self} may not write fault orders in ZooKeeper (NoAuth): its ZooKeeper:Auth is not the cluster's.");
            }
            catch (ZooKeeperException e)
            {
                return FaultVerdict.Refused(id, order, FaultRefusal.Unavailable, $"{Self} lost ZooKeeper while passing the order on ({e.Code}); it may or may not reach {order.NodeId}.");
            }

            return await VerdictOrWithdrawAsync(zk, id, order, path, verdict.Task, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _awaiting.TryRemove(id, out _);
        }
    }

    // What the target would refuse, refused here already: from its published acceptance, or this node's own policy
    // when it is the target. The target checks again; this only saves a round trip and gives the caller a reason now.
    private (FaultRefusal Refusal, string Reason)? CheckAtOnce(FaultOrder order)
    {
        if (!Policy.Enabled)
        {
            return (FaultRefusal.NotAccepted, $"{Self} does not take fault orders: its Faults:Enabled is false.");
        }

        if (_observer.ListeningFrom == 0)
        {
            return (FaultRefusal.Unavailable, $"{Self} has not read the cluster from ZooKeeper yet.");
        }

        if (!NodeIds.IsValid(order.NodeId))
        {
            return (FaultRefusal.UnknownNode, "No such node: node ids are 1 to 64 letters, digits, '-' and '_'; GET /members lists them.");
        }

        var target = _observer.Current.Members.FirstOrDefault(m => m.NodeId == order.NodeId);
        if (target is null)
        {
            return (FaultRefusal.UnknownNode, $"No node '{order.NodeId}' is known in the cluster; GET /members lists them.");
        }

        var acceptance = order.NodeId == Self ? Policy.Acceptance : target.Faults;
        if (acceptance is { Accepts: false })
        {
            return (FaultRefusal.NotAccepted, $"{order.NodeId} does not accept fault injection.");
        }

        if (acceptance is { RequiresKey: true } && string.IsNullOrEmpty(order.ApiKey))
        {
            return (FaultRefusal.WrongKey, $"{order.NodeId} accepts faults only with its API key (X-Api-Key).");
        }

        if (order.NodeId == Self && !IsOwnKey(order.ApiKey))
        {
            return (FaultRefusal.WrongKey, $"The API key is not {Self}'s.");
        }

        if (Validate(order.Kind, order.DurationSeconds, order.With, acceptance?.MaxDurationSeconds ?? FaultPolicy.LongestFaultSeconds) is { } invalid)
        {
            return (FaultRefusal.Invalid, invalid);
        }

        if (order.Kind == FaultKind.Resign && !target.IsLeader)
        {
            var leader = _observer.Current.Leader?.NodeId;
            return (FaultRefusal.NotLeader, $"{order.NodeId} does not lead, so it cannot resign" + (leader is null ? "; no node leads now." : $"; {leader} leads."));
        }

        return null;
    }

    private static string? Validate(FaultKind? kind, int? durationSeconds, FaultParameters parameters, int maxDurationSeconds)
    {
        if ((kind is { } any ? parameters.Problem(any) : parameters == FaultParameters.None ? null : "recovery takes no parameters.") is { } problem)
        {
            return problem;
        }

        if (kind is not { } k || !k.HasDuration())
        {
            return durationSeconds is null or 0 ? null : $"{kind?.Name() ?? "recovery"} takes no duration.";
        }

        return durationSeconds is { } d && d >= 1 && d <= maxDurationSeconds
            ? null
            : $"'durationSeconds' must be between 1 and {maxDurationSeconds} for {k.Name()}; it was {durationSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}.";
    }

    private async Task<FaultVerdict> VerdictOrWithdrawAsync(ZooKeeperClient zk, string id, FaultOrder order, string path, Task<FaultVerdict> verdict, CancellationToken cancellationToken)
    {
        try
        {
            return await verdict.WaitAsync(_verdictTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
            // The caller is gone: an order it can no longer hear of must not run later either.
            await WithdrawAsync(zk, id, order, path).ConfigureAwait(false);
            throw;
        }

        switch (await WithdrawAsync(zk, id, order, path).ConfigureAwait(false))
        {
            case true:
                return FaultVerdict.Refused(id, order, FaultRefusal.Unanswered, $"{order.NodeId} did not take the order within {_verdictTimeout.TotalSeconds:F0} s (is its process running and connected?); it was withdrawn and will not run.");
            case null:
                return FaultVerdict.Refused(id, order, FaultRefusal.Unavailable, $"{order.NodeId} did not answer in time and the order could not be withdrawn; it may still run.");
        }

        // Taken: its verdict is on its way.
        try
        {
            return await verdict.WaitAsync(WithdrawnGrace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return FaultVerdict.Refused(id, order, FaultRefusal.Unanswered, $"{order.NodeId} took the order but its verdict did not arrive; GET /history will show it.");
        }
    }

    /// <summary>The target claims a command by deleting it: if this delete succeeds, the target never took it and
    /// never will (true); false when it was taken already; null when ZooKeeper could not say.</summary>
    private async Task<bool?> WithdrawAsync(ZooKeeperClient zk, string id, FaultOrder order, string path)
    {
        try
        {
            await zk.DeleteAsync(path, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            _logger.OrderWithdrawn(id, order.NodeId);
            return true;
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return false;
        }
        catch (ZooKeeperException e)
        {
            _logger.OrderNotWithdrawn(id, order.NodeId, e.Message);
            return null;
        }
    }

    /// <summary>Called with every change the observer sees, in ZooKeeper's order: commands for this node are decided
    /// on, verdicts for orders this node passed on are handed back.</summary>
    internal void OnZnodeChanged(ZnodeChange change)
    {
        if (change.Kind != ZnodeChangeKind.Created || !_observer.Tree.Nodes.TryGetValue(change.Path, out var node))
        {
            return;
        }

        var parent = ZooKeeperPath.Parent(change.Path);
        if (parent == CommandsOf(Self))
        {
            var listeningFrom = _observer.ListeningFrom;
            _background.Run($"fault command {change.Path}", () => DecideAsync(change.Path, node, listeningFrom));
        }
        else if (parent == ClusterNode.HistoryPath && !_awaiting.IsEmpty
            && HistoryRecord.TryParse(node.Data) is { Type: HistoryRecordType.Fault, FaultId: { } id } record
            && _awaiting.TryGetValue(id, out var waiter))
        {
            var order = new FaultOrder(record.NodeId, record.FaultKind, record.DurationSeconds, Parameters: record.Parameters);
            waiter.TrySetResult(record.Refusal is { } refusal
                ? FaultVerdict.Refused(id, order, refusal, record.Reason ?? "refused")
                : FaultVerdict.Done(id, order));
        }
    }

    private async Task DecideAsync(string path, NodeData node, long listeningFrom)
    {
        var command = FaultCommand.TryParse(node.Data);
        var id = command?.Id ?? FaultIds.New();
        var (kind, refused) = Judge(command, node, listeningFrom, duplicate: command is not null && !_seen.TryAdd(id, _time.GetUtcNow()));

        // Claim it first: a command this delete does not remove was withdrawn by its issuer or taken already.
        if (_observer.Client is not { } zk)
        {
            return;
        }

        try
        {
            await zk.DeleteAsync(path, node.Stat.Version, _stopping).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return;
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.BadVersion)
        {
            await DeleteQuietlyAsync(zk, path, _stopping).ConfigureAwait(false);
            refused = (FaultRefusal.Invalid, "the command was changed after it was written");
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NotEmpty)
        {
            // No order of ours has children: one made with some cannot be claimed, so it is cleared away instead of
            // lying there for ever.
            foreach (var child in (await zk.GetChildrenAsync(path, cancellationToken: _stopping).ConfigureAwait(false)).Take(100))
            {
                await DeleteQuietlyAsync(zk, ZooKeeperPath.Combine(path, child), _stopping).ConfigureAwait(false);
            }

            await DeleteQuietlyAsync(zk, path, _stopping).ConfigureAwait(false);
            refused = (FaultRefusal.Invalid, "not a fault order: the command znode has children");
        }
        catch (ZooKeeperException e)
        {
            _logger.CommandNotClaimed(path, e.Message);
            return;
        }

        if (refused is null && command is not null)
        {
            refused = Execute(id, kind, command.DurationSeconds, ParametersOf(command));
        }

        if (refused is { } r)
        {
            _logger.OrderRefused(id, Self, r.Refusal, r.Reason);
        }
        else
        {
            _logger.OrderCarriedOut(id, Self, kind?.Name() ?? "recover", command!.IssuedBy);
        }

        PruneSeen();
        await _history.AppendAsync(
            new HistoryRecord(
                HistoryRecordType.Fault,
                Self,
                _time.GetUtcNow(),
                id,
                kind,
                kind?.HasDuration() == true ? command?.DurationSeconds : null,
                IssuedBy: command?.IssuedBy,
                Refusal: refused?.Refusal,
                Reason: refused?.Reason,
                Parameters: command is null || ParametersOf(command) == FaultParameters.None ? null : ParametersOf(command)),
            CancellationToken.None).ConfigureAwait(false);
    }

    // This node's own rules, applied to whatever arrived: every field of the command is someone else's input.
    private (FaultKind? Kind, (FaultRefusal Refusal, string Reason)? Refused) Judge(FaultCommand? command, NodeData node, long listeningFrom, bool duplicate)
    {
        if (command is null)
        {
            return (null, (FaultRefusal.Invalid, "not a fault order: the znode does not hold one in the expected form"));
        }

        FaultKind? kind = null;
        if (command.Kind is not null)
        {
            if (!FaultKinds.TryParse(command.Kind, out var parsed))
            {
                return (null, (FaultRefusal.Invalid, $"unknown kind '{Printable(command.Kind)}'; the kinds are {string.Join(", ", FaultKinds.Names)}"));
            }

            kind = parsed;
        }

        if (command.Direction is { } direction && !LinkDirections.TryParse(direction, out _))
        {
            return (kind, (FaultRefusal.Invalid, $"unknown direction '{Printable(direction)}'; it is upstream or downstream"));
        }

        // Age by the server's clock (when the znode was made) and by the order's own time, which its proof covers: a
        // copy of an old order written again is new to the server but not to its issuer.
        var now = _time.GetUtcNow();
        var age = Max(now - node.Stat.CreatedAt, now - command.IssuedAt);
        var ahead = Max(node.Stat.CreatedAt - now, command.IssuedAt - now);
        (FaultRefusal, string)? refused =
            command.NodeId != Self ? (FaultRefusal.Invalid, $"addressed to {command.NodeId}, not to {Self}")
            : duplicate ? (FaultRefusal.Stale, "an order with this id was seen before: a replay is not run twice")
            : node.Stat.Czxid <= listeningFrom ? (FaultRefusal.Stale, "written before this node was listening (while it was down or starting), so it is not run now")
            : age > Policy.MaxCommandAge ? (FaultRefusal.Stale, $"it reached {Self} {age.TotalSeconds:F1} s after it was issued; orders older than {Policy.MaxCommandAge.TotalSeconds:F0} s are dropped")
            : ahead > Policy.MaxCommandAge ? (FaultRefusal.Stale, $"it was issued {ahead.TotalSeconds:F1} s in {Self}'s future: the clocks disagree")
            : !Policy.Enabled ? (FaultRefusal.NotAccepted, $"{Self} does not accept fault injection (its Faults:Enabled is false)")
            : Policy.Key is { } key && !key.Verifies(command.SignedText, command.Proof) ? (FaultRefusal.WrongKey, $"the order did not carry {Self}'s API key")
            : Validate(kind, command.DurationSeconds, ParametersOf(command), Policy.MaxDurationSeconds) is { } invalid ? (FaultRefusal.Invalid, invalid)
            : _participant.Fault is { Kind: FaultKind.Pause } && kind is not null ? (FaultRefusal.NotAccepted, $"{Self} is paused: a stopped process takes no orders until it wakes (recover ends the pause)")
            : kind == FaultKind.Resign && _participant.Election.State != LeadershipState.Leader ? (FaultRefusal.NotLeader, $"{Self} does not lead (it is {NodeStates.Of(_participant.Election.State).Name()}), so it cannot resign")
            : null;
        return (kind, refused);
    }

    private static FaultParameters ParametersOf(FaultCommand command) =>
        new(command.Direction is { } d && LinkDirections.TryParse(d, out var direction) ? direction : null, command.LatencyMs, command.JitterMs);

    private (FaultRefusal, string)? Execute(string id, FaultKind? kind, int durationSeconds, FaultParameters parameters)
    {
        try
        {
            if (kind is { } k)
            {
                _participant.Inject(id, k, TimeSpan.FromSeconds(durationSeconds), parameters);
            }
            else
            {
                _participant.Heal();
            }

            return null;
        }
        catch (NotLeaderException e)
        {
            return (FaultRefusal.NotLeader, e.Message);
        }
        catch (ArgumentException e)
        {
            return (FaultRefusal.Invalid, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return (FaultRefusal.NotAccepted, e.Message);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void PruneSeen()
    {
        // Ids are remembered for twice the age limit: anything older is refused as stale anyway.
        var horizon = _time.GetUtcNow() - (2 * Policy.MaxCommandAge);
        foreach (var (id, at) in _seen)
        {
            if (at < horizon)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }

    private static async Task DeleteQuietlyAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        try
        {
            await zk.DeleteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException)
        {
        }
    }

    // A value from a command, fit for a log line and a page: printable, and short.
    private static string Printable(string value)
    {
        var printable = new string([.. value.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);
        return value.Length > 40 ? printable + "…" : printable;
    }
}
