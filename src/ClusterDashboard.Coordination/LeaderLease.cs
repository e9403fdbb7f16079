using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// How long a leader may act without word from ZooKeeper. The servers cannot expire a session before a whole session
/// timeout after they last heard from it, and every answer proves they heard it no earlier than the answered request
/// was sent (<see cref="ZooKeeperClient.SinceLastAnswered"/>). So no successor can be elected before that moment plus
/// the timeout, and a leader that stops acting at <see cref="Fraction"/> of the timeout after it is done first, with a
/// third of the timeout to spare for a late timer or a clock running slow. The bound holds whatever the connection
/// does meanwhile (a silent partition, a stalled write, a reconnect that takes its time) and under every policy:
/// Curator's sessionExpirationPercent, measured from what the server has acknowledged rather than from when the
/// client noticed trouble.
/// <para>It rests on ZooKeeper's own promise that a session lives its timeout. A follower reports the sessions it heard
/// to the ensemble's leader every half tick, and a session lasts at least two ticks, so the third of the timeout
/// spared covers a touch the follower never got to report. A server that keeps answering after it lost its quorum
/// does so for at most syncLimit × tickTime, which must stay below the session timeout.</para>
/// </summary>
internal sealed class LeaderLease : IDisposable
{
    public const double Fraction = 2.0 / 3;

    // Timers fire in whole milliseconds and may fire a fraction early: a check that finds a sliver left looks again then.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(1);

    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private readonly Action<long> _lapsed;
    private ZooKeeperClient? _held;

    /// <param name="time">The participant's clock: a pause holds this timer too, and it fires, late, on waking.</param>
    /// <param name="lapsed">Called once per hold when the lease runs out, on the timer's thread, with the moment it ran
    /// out (a timestamp of <paramref name="time"/>: the timer may be late); must not block.</param>
    public LeaderLease(TimeProvider time, Action<long> lapsed)
    {
        _time = time;
        _lapsed = lapsed;
        _timer = time.CreateTimer(static s => ((LeaderLease)s!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>What is left of the lease on <paramref name="zk"/>'s session: zero or less means stop acting.</summary>
    public static TimeSpan Remaining(ZooKeeperClient zk) => (zk.SessionTimeout * Fraction) - zk.SinceLastAnswered;

    /// <summary>Starts watching the lease on <paramref name="zk"/>; every answer the client gets extends it.</summary>
    public void Hold(ZooKeeperClient zk)
    {
        lock (_lock)
        {
            _held = zk;
        }

        Check();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _held = null;
        }

        _timer.Dispose();
    }

    private void Check()
    {
        long ranOut;
        lock (_lock)
        {
            if (_held is not { } zk)
            {
                return;
            }

            var left = Remaining(zk);
            if (left > TimeSpan.Zero)
            {
                _timer.Change(left + Slack, Timeout.InfiniteTimeSpan);
                return;
            }

            _held = null;
            ranOut = _time.GetTimestamp() + (long)(left.TotalSeconds * _time.TimestampFrequency);
        }

        _lapsed(ranOut);
    }
}
