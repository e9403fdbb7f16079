namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>
/// The clock one participant's client and recipe run on, which a stop-the-world pause stops: while paused, no timer
/// made through it fires; each that came due meanwhile fires once when the pause ends, late, as after a long GC pause.
/// The time it reads stays real: a paused process reads no clock, and when it wakes, time has moved on. With its link
/// holding every byte as well, nothing of the participant runs while it is paused, and nothing in it can tell.
/// </summary>
public sealed class PausableClock(TimeProvider inner) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<Timer> _due = [];
    private bool _paused;

    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _paused;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new Timer(this, inner, callback, state, dueTime, period);
    }

    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
        }
    }

    /// <summary>Ends the pause: every timer that came due while it lasted fires now, once, each on the thread pool
    /// as a timer would (not on the caller's thread, and one failing does not keep the others from firing).</summary>
    public void Resume()
    {
        List<Timer> due;
        lock (_lock)
        {
            _paused = false;
            due = [.. _due];
            _due.Clear();
        }

        foreach (var timer in due)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), timer, preferLocal: false);
        }
    }

    // True when the timer may fire now; otherwise it is kept to fire on resume.
    private bool MayFire(Timer timer)
    {
        lock (_lock)
        {
            if (!_paused)
            {
                return true;
            }

            if (!_due.Contains(timer))
            {
                _due.Add(timer);
            }

            return false;
        }
    }

    private void Forget(Timer timer)
    {
        lock (_lock)
        {
            _due.Remove(timer);
        }
    }

    private sealed class Timer : ITimer
    {
        private readonly PausableClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;

        public Timer(PausableClock clock, TimeProvider inner, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _inner = inner.CreateTimer(static s => ((Timer)s!).Tick(), this, dueTime, period);
        }

        private void Tick()
        {
            if (_clock.MayFire(this))
            {
                _callback(_state);
            }
        }

        public void Fire() => _callback(_state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _clock.Forget(this);
            return _inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            _clock.Forget(this);
            _inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            _clock.Forget(this);
            return _inner.DisposeAsync();
        }
    }
}
