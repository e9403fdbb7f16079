using ClusterDashboard.Client;
using ClusterDashboard.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterDashboard.Tests;

/// <summary>The client library a service uses to follow the leader, against real nodes.</summary>
public sealed class LeaderFollowerTests(StandaloneZooKeeperFixture zookeeper, ITestOutputHelper output) : IClassFixture<StandaloneZooKeeperFixture>
{
    // What the follower says about the nodes it tries, in the test's output.
    private sealed class OutputLogger(ITestOutputHelper output) : ILogger<LeaderFollower>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)} {exception}");
            }
            catch (InvalidOperationException)
            {
                // after the test
            }
        }
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_follower_names_the_leader_and_when_the_node_it_streams_from_and_the_leader_go_it_hears_the_new_leader_from_another_node()
    {
        var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("follower"), 3, TimeSpan.FromSeconds(4));
        await using var _ = nodes;
        await using var follower = new LeaderFollower(nodes.All.Select(n => new Uri(n.Url)), logger: new OutputLogger(output)).Start();
        using var timeout = new CancellationTokenSource(Deadline);

        var first = await follower.WaitForLeaderAsync(timeout.Token);
        var named = await Eventually.UntilAsync(ct => nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, Deadline, "node-1 names the leader too");
        Assert.Equal((named!.NodeId, named.Epoch), (first.NodeId, first.Epoch));
        Assert.Equal(first.Epoch, follower.Token);

        // The node it streams from goes mid-stream, and so does the leader (the same node, or another).
        var reporter = nodes.All.Single(n => new Uri(n.Url) == first.ReportedBy).NodeId;
        await nodes.StopAsync(reporter);
        if (first.NodeId != reporter)
        {
            await nodes.StopAsync(first.NodeId);
        }

        var left = nodes.All.Select(n => n.NodeId).ToList();
        LeaderView? now = null;
        var seen = new List<string>();
        try
        {
            await foreach (var view in follower.ChangesAsync(timeout.Token))
            {
                seen.Add(view is null ? "none" : $"{view.NodeId}@{view.Index} from {view.ReportedBy}");
                if (view is not null && left.Contains(view.NodeId) && nodes.All.Any(n => new Uri(n.Url) == view.ReportedBy))
                {
                    now = view;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no new leader heard from a node still up ({string.Join(", ", nodes.All.Select(n => n.Url))}); first {first.NodeId}@{first.Index} from {first.ReportedBy}; heard: {string.Join("; ", seen)}");
        }

        Assert.NotNull(now);
        Assert.True(now.Epoch > first.Epoch, "the new leader's token is above the old one's");
        Assert.Equal(now.NodeId, (await Eventually.UntilAsync(ct => nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, Deadline, "a node still up names the leader"))!.NodeId);
    }

    [Fact]
    public async Task A_follower_whose_every_node_is_gone_stops_naming_a_leader()
    {
        var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("follower-alone"), 1, TimeSpan.FromSeconds(4));
        await using var _ = nodes;
        await using var follower = new LeaderFollower(nodes.All.Select(n => new Uri(n.Url)), logger: new OutputLogger(output)).Start();
        using var timeout = new CancellationTokenSource(Deadline);
        await follower.WaitForLeaderAsync(timeout.Token);

        await nodes.StopAsync("node-1");

        await foreach (var view in follower.ChangesAsync(timeout.Token))
        {
            if (view is null)
            {
                break;
            }
        }

        Assert.Null(follower.Current);
    }
}
