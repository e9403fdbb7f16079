using System.Diagnostics;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using ClusterDashboard.ZooKeeper.Admin;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Bench;

/// <summary>Our election under the workloads bench/java/ElectionBench.java runs for Curator's LeaderLatch.</summary>
internal static class OurElectionWorkload
{
    // The pause after each failover before the next round, the same on every side (ElectionBench.SETTLE_MS,
    // election_bench.SETTLE_S).
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(20);

    private sealed class Participant : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;

        public required ZooKeeperClient Client { get; init; }

        public required LeaderElection Election { get; init; }

        public required CrashSwitch Crash { get; init; }

        public long BecameLeader;

        // Completed when this participant is told it leads, so the driver waits for the successor without polling, as
        // Curator's waits on a monitor and kazoo's on an Event: a poll every millisecond kept a thread-pool thread
        // awake and spinning, which picked up our client's hand-offs without waking a thread and flattered our figures.
        // Replaced before each round.
        public TaskCompletionSource Led = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task<Participant> JoinAsync(string connectString, string path, TimeSpan sessionTimeout, int index)
        {
            var crash = new CrashSwitch();
            var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = sessionTimeout, Dialer = crash.Dialer });
            var participant = new Participant
            {
                Client = client,
                Election = new LeaderElection(path, $"p{index}", null, TimeProvider.System, NullLogger.Instance),
                Crash = crash,
            };
            participant.Election.LeadershipChanged += c =>
            {
                if (c.State == LeadershipState.Leader)
                {
                    Interlocked.Exchange(ref participant.BecameLeader, Stopwatch.GetTimestamp());
                    Volatile.Read(ref participant.Led).TrySetResult();
                }
            };
            participant._run = Task.Run(() => participant.Election.RunAsync(client, participant._stop.Token));
            return participant;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Client.DisposeAsync();
            await _run.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    public static async Task<ElectionMeasurement> RunAsync(string connectString, string mode, int count, int rounds, TimeSpan sessionTimeout, TimeSpan serverTick)
    {
        var path = $"/bench-ours-{Stopwatch.GetTimestamp()}";
        var all = new List<Participant>();
        for (var i = 0; i < count; i++)
        {
            all.Add(await Participant.JoinAsync(connectString, path, sessionTimeout, i));
        }

        try
        {
            await WaitForOneLeaderAsync(all);
            var latencies = new List<double>();
            var fromDeletion = new List<double>();
            long notifications = 0;
            var server = connectString.Split(',')[0];
            // Unmeasured rounds first, the same number on every side: 80 graceful ones, so the methods a failover runs once
            // each are recompiled before the measured rounds instead of during them, and the tail is not the JIT's. .NET
            // recompiles a method after 30 calls, in the background, and with dynamic PGO (this process keeps .NET's
            // default) twice: instrumented, then optimised from its profile after about 30 more. Crash rounds take seconds
            // each and run the same failover path, which the graceful rounds before them have warmed.
            var warmup = mode switch { "graceful" => 80, "crash" => 2, _ => 0 };
            var anchor = Stopwatch.GetTimestamp(); // crashes: the server tick that expired the previous leader
            // The server expires sessions on ticks of its monotonic clock, which is this process's clock too
            // (CLOCK_MONOTONIC on Linux, for Stopwatch and Java's nanoTime alike).
            var tick = (long)(serverTick.TotalSeconds * Stopwatch.Frequency);
            for (var round = 0; round < rounds + warmup; round++)
            {
                var measured = round >= warmup;
                var leader = all.Single(p => p.Election.State == LeadershipState.Leader);
                foreach (var p in all)
                {
                    Interlocked.Exchange(ref p.BecameLeader, 0);
                    Volatile.Write(ref p.Led, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }

                var before = mode == "herd" ? await WatchTriggersAsync(server) : 0;
                long deleted = 0;
                await using var observer = mode == "crash" ? await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString }) : null;
                if (observer is not null)
                {
                    await observer.ExistsAsync($"{path}/{leader.Election.Znode}", _ => Interlocked.Exchange(ref deleted, Stopwatch.GetTimestamp()));
                }

                if (mode == "crash")
                {
                    await Task.Delay(CrashDelay(anchor, round - warmup, rounds, sessionTimeout));
                }

                var start = Stopwatch.GetTimestamp();
                if (mode == "crash")
                {
                    // Like Curator's driver (injectSessionExpiration): the leader's client stops without closing its
                    // session, so on both sides the server expires it from the leader's last ping.
                    leader.Crash.Crash();
                }
                else
                {
                    leader.Election.Resign(); // its candidate goes and it queues again at the back
                }

                var successor = await WaitForNewLeaderAsync(all, leader);
                var told = Interlocked.Read(ref successor.BecameLeader);
                if (observer is not null)
                {
                    // Its watcher may run just after the successor's.
                    await Eventually.UntilAsync(_ => Task.FromResult(Interlocked.Read(ref deleted) != 0), TimeSpan.FromSeconds(10), "the observer saw the crashed leader's candidate go");
                }
                if (measured)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start, told).TotalMicroseconds);
                }

                if (observer is not null && Interlocked.Read(ref deleted) is var d)
                {
                    anchor = d - (d % tick);
                    if (measured)
                    {
                        fromDeletion.Add(Stopwatch.GetElapsedTime(d, told).TotalMicroseconds);
                    }
                }

                if (mode == "herd")
                {
                    notifications += await WatchTriggersAsync(server) - before;
                }

                if (mode == "crash")
                {
                    var index = all.IndexOf(leader);
                    await leader.DisposeAsync();
                    all[index] = await Participant.JoinAsync(connectString, path, sessionTimeout, index);
                }

                await WaitForOneLeaderAsync(all);
            }

            return new ElectionMeasurement(Percentiles.Of(latencies, 0.50), Percentiles.Of(latencies, 0.99), Percentiles.Of(fromDeletion, 0.50), Percentiles.Of(fromDeletion, 0.99), (double)notifications / rounds);
        }
        finally
        {
            foreach (var p in all)
            {
                await p.DisposeAsync();
            }
        }
    }

    // When the leader crashes: at the same offsets on both sides (ElectionBench.crashOffsetNanos) from the server tick
    // that expired the previous leader, which starts the new leader's ping cycle; half a session timeout to settle,
    // then evenly over one session timeout (three ping periods). The outcome hangs on where in the ping cycle and
    // between the server's ticks the crash lands: a random pause after each driver's own bookkeeping sampled
    // different points on the two sides, and counting from when a client saw the deletion would charge the faster one.
    private static TimeSpan CrashDelay(long anchor, int measuredRound, int rounds, TimeSpan sessionTimeout)
    {
        var fraction = measuredRound < 0 ? 0.5 : (measuredRound + 0.5) / rounds; // warm-up rounds: mid-cycle
        var remaining = (sessionTimeout * (0.5 + fraction)) - Stopwatch.GetElapsedTime(anchor);
        if (remaining < TimeSpan.Zero && measuredRound >= 0)
        {
            Console.Error.WriteLine($"warning: crash round {measuredRound} is {-remaining.TotalMilliseconds:F0} ms late; the offsets no longer match Curator's");
        }

        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private static async Task WaitForOneLeaderAsync(List<Participant> all)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 60);
        while (!(all.Count(p => p.Election.State == LeadershipState.Leader) == 1 && all.All(p => p.Election.State is LeadershipState.Leader or LeadershipState.Follower)))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("no single leader");
            }

            await Task.Delay(5);
        }

        // Then let the cluster settle, as every driver does: the new leader sets its watches and the old one queues
        // again after taking over, and a resign sent into that work would measure it, not a failover.
        await Task.Delay(Settle);
    }

    private static async Task<Participant> WaitForNewLeaderAsync(List<Participant> all, Participant old)
    {
        var others = all.Where(p => p != old).ToList();
        var told = await Task.WhenAny(others.Select(p => Volatile.Read(ref p.Led).Task)).WaitAsync(TimeSpan.FromSeconds(60));
        return others.First(p => Volatile.Read(ref p.Led).Task == told);
    }

    // Watches the server has triggered so far, from its own counters rather than ours.
    private static async Task<long> WatchTriggersAsync(string server) =>
        (await FourLetterWords.MntrAsync(server, TimeSpan.FromSeconds(5)))
            .Where(kv => kv.Key.StartsWith("zk_sum_node_", StringComparison.Ordinal) && kv.Key.EndsWith("_watch_count", StringComparison.Ordinal))
            .Sum(kv => long.Parse(kv.Value, System.Globalization.CultureInfo.InvariantCulture));
}
