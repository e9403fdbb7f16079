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
    private readonly Lock _transition = new(); // one start or end at a time, the link and clock with the fault
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;
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

    /// <summary>Starts <paramref name="kind"/> for <paramref name="duration"/>, in place of any fault already running
    /// (never healing in between: a crash during a partition must not let held bytes or a hanging dial out first).
    /// Resign and the session's part of crash and leave (dropping it, closing it) are the participant's.</summary>
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

        ActiveFault fault;
        lock (_transition)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            fault = new ActiveFault(id, kind, now, now + duration, parameters);
            Apply(kind, parameters);
            lock (_lock)
            {
                _fault = fault;
                _enders.RemoveAll(t => t.IsCompleted);
                _enders.Add(EndLaterAsync(fault));
            }
        }

        _logger.Started(id, kind.Name(), parameters, duration);
        Changed?.Invoke(fault);
        return fault;
    }

    // The link and clock as the fault wants them, set straight from whatever they were.
    private void Apply(FaultKind kind, FaultParameters parameters)
    {
        var hole = new DirectionConditions(BlackHole: true);
        switch (kind)
        {
            case FaultKind.Crash:
                // Reset first, then heal: the dead dialers stay dead, and the next client dials a healthy network.
                Link.Crash();
                Link.Heal();
                break;
            case FaultKind.Partition:
                Link.Set(new LinkConditions(hole, hole, NewConnections.Hang));
                break;
            case FaultKind.PartitionOneWay:
                Link.Set(parameters.Direction == LinkDirection.Upstream
                    ? new LinkConditions(hole, DirectionConditions.Clean, NewConnections.Hang)
                    : new LinkConditions(DirectionConditions.Clean, hole, NewConnections.Hang));
                break;
            case FaultKind.Latency:
                var slow = new DirectionConditions(Latency: TimeSpan.FromMilliseconds(parameters.LatencyMs!.Value), Jitter: TimeSpan.FromMilliseconds(parameters.JitterMs ?? 0));
                Link.Set(new LinkConditions(slow, slow, NewConnections.Open));
                break;
            case FaultKind.Pause:
                // Nothing in or out, and no timer of its own fires: the process is stopped, not the network.
                Link.Set(new LinkConditions(hole, hole, NewConnections.Hang));
                Clock.Pause();
                return;
            default:
                Link.Heal();
                break;
        }

        Clock.Resume();
    }

    /// <summary>Ends the running fault, if any: the link heals, then the clock runs and whatever came due fires.</summary>
    public void End() => End(null);

    // Ends the fault that is running, or only expected if it still is (a timer must not end a fault that replaced
    // the one it was set for).
    private void End(ActiveFault? expected)
    {
        ActiveFault? ended;
        TaskCompletionSource signal;
        lock (_transition)
        {
            lock (_lock)
            {
                ended = _fault;
                if (ended is null || (expected is not null && !ReferenceEquals(ended, expected)))
                {
                    return;
                }

                _fault = null;
                signal = _ended;
                _ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Link.Heal();
            Clock.Resume();
        }

        signal.TrySetResult();
        _logger.Ended(ended.Id, ended.Kind.Name());
        Changed?.Invoke(null);
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

        End(fault);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_transition)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        End();
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] enders;
        lock (_lock)
        {
            enders = [.. _enders];
        }

        await Task.WhenAll(enders).ConfigureAwait(false);
        await Link.DisposeAsync().ConfigureAwait(false);
    }
}
