using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Testing;
using Xunit.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>
/// Crashes, partitions, departures, resignations and ZooKeeper server kills in a random order: through all of it no two
/// participants lead at once, epochs only grow, and once the faults heal everyone agrees on one leader quickly.
/// </summary>
public sealed class RandomizedFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(2);
    private static readonly string[] Names = ["node-1", "node-2", "node-3", "node-4"];

    [Fact]
    public async Task No_two_leaders_and_quick_agreement_through_random_faults()
    {
        var seed = Environment.GetEnvironmentVariable("FAULT_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        output.WriteLine($"seed {seed} (set FAULT_SEED to replay)");
        await using var zookeeper = await ZooKeeperCluster.StartAsync(3);
        await using var cluster = new ElectionCluster(zookeeper.ConnectString, SessionTimeout);
        var recorder = new LeadershipRecorder();
        var live = Names.ToDictionary(n => n, n => Start(cluster, recorder, n));
        // The first election also pays for four first sessions and a cold JIT: it gets a start-up deadline.
        await AgreeAsync(live, TimeSpan.FromSeconds(30), "the first election");

        const int faults = 15;
        var checks = 0;
        var log = new List<string>();
        for (var i = 0; i < faults; i++)
        {
            var name = Names[random.Next(Names.Length)];
            var participant = live[name];
            switch (random.Next(5))
            {
                case 0:
                    // Back at once, as a restarted process would be, with a new session.
                    participant.Inject($"f-{i:x4}", FaultKind.Crash, TimeSpan.FromMilliseconds(100));
                    log.Add($"crash {name}");
                    break;
                case 1:
                    var duration = TimeSpan.FromMilliseconds(random.Next(200, 4000));
                    participant.Inject($"f-{i:x4}", FaultKind.Partition, duration);
                    log.Add($"partition {name} {duration.TotalMilliseconds:F0} ms");
                    break;
                case 2:
                    await participant.StopAsync(CancellationToken.None);
                    live[name] = Start(cluster, recorder, name);
                    log.Add($"leave+rejoin {name}");
                    break;
                case 3 when live.Values.FirstOrDefault(p => p.Election.State == LeadershipState.Leader) is { } leader:
                    try
                    {
                        leader.Election.Resign();
                        log.Add($"resign {leader.Election.NodeId}");
                    }
                    catch (NotLeaderException)
                    {
                        log.Add("resign (lost the race)");
                    }

                    break;
                default:
                    var server = zookeeper.Servers[random.Next(zookeeper.Servers.Count)];
                    await server.KillAsync();
                    await server.StartAsync(CancellationToken.None);
                    log.Add($"kill+restart zk{server.Id}");
                    break;
            }

            // The fault schedule: faults overlap with the cluster's recovery from the ones before.
            await Task.Delay(random.Next(200, 1500));
            checks += CheckSafety(recorder);
        }

        await zookeeper.WaitForQuorumAsync();
        foreach (var participant in live.Values)
        {
            participant.Heal();
        }

        var healed = TimeProvider.System.GetTimestamp();
        await AgreeAsync(live, SessionTimeout + TimeSpan.FromSeconds(1), "agreement after the faults heal");
        var agreedAfter = TimeProvider.System.GetElapsedTime(healed);
        checks += CheckSafety(recorder);

        output.WriteLine(string.Join(Environment.NewLine, log));
        output.WriteLine($"{faults} faults, {checks} safety checks over {recorder.Intervals.Count} leadership intervals; agreement {agreedAfter.TotalMilliseconds:F0} ms after healing");
        Assert.True(recorder.Intervals.Count >= 2, "leadership changed hands at least once");
    }

    private static ClusterParticipant Start(ElectionCluster cluster, LeadershipRecorder recorder, string name)
    {
        var participant = cluster.Start(name);
        recorder.Watch(participant.Election, name);
        return participant;
    }

    private static int CheckSafety(LeadershipRecorder recorder)
    {
        Assert.Empty(recorder.Overlaps());
        Assert.True(recorder.EpochsIncrease(), "epochs strictly increase from one leader to the next");
        return 2;
    }

    // Everyone agrees: one leader, every other participant follows. After the faults heal that takes at most the session
    // timeout plus one second (a crashed session's candidate may still head the queue until the server expires it).
    private static Task AgreeAsync(Dictionary<string, ClusterParticipant> live, TimeSpan deadline, string because) =>
        Eventually.UntilAsync(
            _ => Task.FromResult(
                live.Values.Count(p => p.Election.State == LeadershipState.Leader) == 1
                && live.Values.Count(p => p.Election.State == LeadershipState.Follower) == live.Count - 1),
            deadline,
            because);
}
