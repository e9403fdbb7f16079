using ClusterDashboard.Coordination.FaultLinks;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination.Faults;

/// <summary>
/// One participant's fault drill: the fault it lives through, the network link and the clock that fault acts on,
/// and the timer that ends it. The participant dials through <see cref="Link"/> and runs on <see cref="Clock"/>; what
/// a fault does to them is all a fault is. The drill's own timer runs on real time, so a pause ends on time though
/// the participant's clock is stopped.
/// </summary>
public sealed class FaultDrill : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _enders = [];
    private ActiveFault? _fault;
    private TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FaultDrill(TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _logger = logger;
        Link = new FaultLink(time);
        Clock = new PausableClock(time);
    }

    /// <summary>The participant's network: every connection its client opens goes through it.</summary>
    public FaultLink Link { get; }

    /// <summary>The participant's clock: its client's and recipe's timers, which a pause stops.</summary>
    public PausableClock Clock { get; }

    /// <summary>Raised when a fault starts (with it) or ends (with null).</summary>
    public event Action<ActiveFault?>? Changed;

    /// <summary>The fault the participant lives through now, if any.</summary>
    public ActiveFault? Fault
    {
        get
        {
            lock (_lock)
            {
                return _fault is { } f && f.Until > _time.GetUtcNow() ? f : null;
            }
        }
    }

    /// <summary>Starts <paramref name="kind"/> for <paramref name="duration"/>, ending any fault already running. Resign
    /// and the session's part of crash and leave (dropping it, closing it) are the participant's.</summary>
    public ActiveFault Start(string id, FaultKind kind, TimeSpan duration, FaultParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (kind == FaultKind.Resign)
        {
            throw new ArgumentException("Resign is not a drill: it is the election's own.", nameof(kind));
        }

        if (parameters.Problem(kind) is { } problem)
        {
            throw new ArgumentException(problem, nameof(parameters));
        }

        var now = _time.GetUtcNow();
        var fault = new ActiveFault(id, kind, now, now + duration, parameters);
        End(quietly: true);
        lock (_lock)
        {
            _fault = fault;
            _enders.RemoveAll(t => t.IsCompleted);
            _enders.Add(EndLaterAsync(fault));
        }

        switch (kind)
        {
            case FaultKind.Crash:
                Link.Crash();
                break;
            case FaultKind.Partition:
                Link.Set(new LinkConditions(new DirectionConditions(BlackHole: true), new DirectionConditions(BlackHole: true), NewConnections.Hang));
                break;
            case FaultKind.PartitionOneWay:
                var holed = new DirectionConditions(BlackHole: true);
                Link.Set(parameters.Direction == LinkDirection.Upstream
                    ? new LinkConditions(holed, DirectionConditions.Clean, NewConnections.Hang)
                    : new LinkConditions(DirectionConditions.Clean, holed, NewConnections.Hang));
                break;
            case FaultKind.Latency:
                var slow = new DirectionConditions(Latency: TimeSpan.FromMilliseconds(parameters.LatencyMs!.Value), Jitter: TimeSpan.FromMilliseconds(parameters.JitterMs ?? 0));
                Link.Set(new LinkConditions(slow, slow, NewConnections.Open));
                break;
            case FaultKind.Pause:
                // Nothing in or out, and no timer of its own fires: the process is stopped, not the network.
                Link.Set(new LinkConditions(new DirectionConditions(BlackHole: true), new DirectionConditions(BlackHole: true), NewConnections.Hang));
                Clock.Pause();
                break;
        }

        _logger.LogWarning("Fault {FaultId}: {Kind} {Parameters} for {Duration}", id, kind.Name(), parameters, duration);
        Changed?.Invoke(fault);
        return fault;
    }

    /// <summary>Ends the running fault, if any: the clock runs, the link heals, and whatever it held goes on.</summary>
    public void End() => End(quietly: false);

    private void End(bool quietly)
    {
        ActiveFault? ended;
        TaskCompletionSource signal;
        lock (_lock)
        {
            ended = _fault;
            _fault = null;
            signal = _ended;
            _ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (ended is null)
        {
            return;
        }

        Clock.Resume();
        Link.Heal();
        signal.TrySetResult();
        _logger.LogInformation("Fault {FaultId} ({Kind}) ended", ended.Id, ended.Kind.Name());
        if (!quietly)
        {
            Changed?.Invoke(null);
        }
    }

    /// <summary>While a crash or a leave lasts, the participant stays away: a dead process does not come back early.</summary>
    public async Task WhileAwayAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task ended;
            ActiveFault? fault;
            lock (_lock)
            {
                ended = _ended.Task;
                fault = _fault;
            }

            if (fault is not { Kind: FaultKind.Crash or FaultKind.Leave })
            {
                return;
            }

            var remaining = fault.Until - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await Task.WhenAny(ended, Task.Delay(remaining, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task EndLaterAsync(ActiveFault fault)
    {
        try
        {
            await Task.Delay(fault.Until - fault.Since, _time, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            if (!ReferenceEquals(_fault, fault))
            {
                return; // ended or replaced meanwhile
            }
        }

        End();
    }

    public async ValueTask DisposeAsync()
    {
        End(quietly: true);
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] enders;
        lock (_lock)
        {
            enders = [.. _enders];
        }

        await Task.WhenAll(enders).ConfigureAwait(false);
        await Link.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
