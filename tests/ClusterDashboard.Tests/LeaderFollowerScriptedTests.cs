using System.IO.Pipelines;
using System.Net;
using System.Text;
using ClusterDashboard.Client;

namespace ClusterDashboard.Tests;

/// <summary>The follower against nodes whose streams are scripted, for what real nodes do too rarely to test on them.</summary>
public sealed class LeaderFollowerScriptedTests
{
    private static readonly Uri NodeA = new("http://node-a:5001/");
    private static readonly Uri NodeB = new("http://node-b:5001/");

    private static string Leader(string nodeId, long epoch, long index) =>
        $"event: leader\nid: {index}\ndata: {{\"nodeId\":\"{nodeId}\",\"url\":\"http://{nodeId}:5001\",\"epoch\":{epoch},\"sequence\":{epoch},\"znode\":\"n_{epoch:D10}\"}}\n\n";

    /// <summary>A clock whose timestamps move only when told (its timers are the system's): how long a stream was live
    /// is then the test's to say.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _now = System.GetTimestamp();

        public override long GetTimestamp() => Interlocked.Read(ref _now);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _now, (long)(by.TotalSeconds * TimestampFrequency));
    }

    /// <summary>Answers each request with the stream its node's script gives: ended at once, when a task completes, or
    /// never (null).</summary>
    private sealed class ScriptedNodes(Func<HttpRequestMessage, (string Events, Task? EndWhen)?> script) : HttpMessageHandler
    {
        private readonly List<Pipe> _open = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (script(request) is not { } answer)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            var pipe = new Pipe();
            lock (_open)
            {
                _open.Add(pipe);
            }

            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("event: live\ndata: {}\n\n" + answer.Events), cancellationToken);
            if (answer.EndWhen is { } end)
            {
                _ = end.ContinueWith(_ => pipe.Writer.Complete(), TaskScheduler.Default);
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) };
        }

        protected override void Dispose(bool disposing)
        {
            lock (_open)
            {
                foreach (var pipe in _open)
                {
                    pipe.Writer.Complete();
                }
            }

            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task On_another_node_the_follower_starts_afresh_and_takes_a_newer_term_even_under_a_lower_index()
    {
        // Node A names node-1 (term 10) at index 100, then goes. Node B's view is labelled from its own reads: it names
        // node-2 (term 20) from index 90, so resumed from 100 it would send nothing; asked afresh, it names node-2.
        var askedA = 0;
        using var nodes = new ScriptedNodes(request =>
        {
            if (request.RequestUri!.Host == NodeA.Host)
            {
                return Interlocked.Increment(ref askedA) == 1 ? (Leader("node-1", 10, 100), Task.CompletedTask) : null;
            }

            if (Volatile.Read(ref askedA) == 0)
            {
                return null; // B is asked only after A, so the test sees the move
            }

            return request.Headers.Contains("Last-Event-ID") ? (string.Empty, null) : (Leader("node-2", 20, 90), null);
        });
        using var http = new HttpClient(nodes) { Timeout = Timeout.InfiniteTimeSpan };
        await using var follower = new LeaderFollower([NodeA, NodeB], http).Start();

        // Well inside the silence limit: a follower that resumed on B would hear nothing until it gave B up.
        var leader = await WaitForAsync(follower, l => l.NodeId == "node-2", LeaderFollower.SilenceLimit / 2);

        Assert.Equal(20, leader.Epoch);
        Assert.Equal(NodeB.Host, leader.ReportedBy.Host);
    }

    [Fact]
    public async Task A_lagging_node_does_not_take_the_follower_back_to_an_older_term()
    {
        // A names node-2 (term 20) at index 100, stays live a while and goes; B lags: it still names node-1 (term 10) at
        // index 90, then sends a keep-alive. The follower reads a stream one event after another, so once it logs B's
        // keep-alive it has dealt with B's report: the test looks then.
        var askedA = 0;
        var endA = new TaskCompletionSource();
        using var nodes = new ScriptedNodes(request =>
            request.RequestUri!.Host == NodeA.Host
                ? Interlocked.Increment(ref askedA) == 1 ? (Leader("node-2", 20, 100), endA.Task) : null
                : Volatile.Read(ref askedA) == 0 ? null : (Leader("node-1", 10, 90) + "event: keepalive\ndata: {}\n\n", null));
        using var http = new HttpClient(nodes) { Timeout = Timeout.InfiniteTimeSpan };
        var clock = new SteppedClock();
        var log = new SignalingLogger(line => line.Contains(NodeB.Host, StringComparison.Ordinal) && line.Contains("says keepalive", StringComparison.Ordinal));
        await using var follower = new LeaderFollower([NodeA, NodeB], http, clock, log).Start();
        await WaitForAsync(follower, l => l.NodeId == "node-2", TimeSpan.FromSeconds(30));

        clock.Advance(LeaderFollower.MinimumLive); // A worked: its end is a node going, not a flap
        endA.SetResult();
        await log.Seen.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("node-2", follower.Current?.NodeId);
    }

    [Fact]
    public async Task After_a_node_says_no_leader_a_lagging_node_cannot_bring_back_an_older_term()
    {
        // A names node-2 (term 20) at 100 and then no leader at 101, and goes; B lags: node-1 (term 10) at 90.
        var askedA = 0;
        var endA = new TaskCompletionSource();
        using var nodes = new ScriptedNodes(request =>
            request.RequestUri!.Host == NodeA.Host
                ? Interlocked.Increment(ref askedA) == 1 ? (Leader("node-2", 20, 100) + "event: noleader\nid: 101\ndata: {}\n\n", endA.Task) : null
                : Volatile.Read(ref askedA) == 0 ? null : (Leader("node-1", 10, 90) + "event: keepalive\ndata: {}\n\n", null));
        using var http = new HttpClient(nodes) { Timeout = Timeout.InfiniteTimeSpan };
        var clock = new SteppedClock();
        var log = new SignalingLogger(line => line.Contains(NodeB.Host, StringComparison.Ordinal) && line.Contains("says keepalive", StringComparison.Ordinal));
        var noLeader = new SignalingLogger(line => line.Contains("says noleader", StringComparison.Ordinal));
        await using var follower = new LeaderFollower([NodeA, NodeB], http, clock, new BothLoggers(log, noLeader)).Start();
        await noLeader.Seen.WaitAsync(TimeSpan.FromSeconds(30));

        clock.Advance(LeaderFollower.MinimumLive);
        endA.SetResult();
        await log.Seen.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(follower.Current);
    }

    private sealed class BothLoggers(SignalingLogger a, SignalingLogger b) : Microsoft.Extensions.Logging.ILogger<LeaderFollower>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            a.Log(logLevel, eventId, state, exception, formatter);
            b.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    /// <summary>Completes <see cref="Seen"/> once a line it is told of is logged.</summary>
    private sealed class SignalingLogger(Func<string, bool> match) : Microsoft.Extensions.Logging.ILogger<LeaderFollower>
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (match(formatter(state, exception)))
            {
                _seen.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Nodes_that_flap_between_live_and_stale_count_as_failing_so_the_follower_forgets_the_leader_and_backs_off()
    {
        // Every stream is live, names a leader and is stale at once: nobody vouches for the leader for long.
        var asked = 0;
        using var nodes = new ScriptedNodes(_ =>
        {
            Interlocked.Increment(ref asked);
            return (Leader("node-1", 10, 100) + "event: stale\ndata: {}\n\n", null);
        });
        using var http = new HttpClient(nodes) { Timeout = Timeout.InfiniteTimeSpan };
        var log = new SignalingLogger(line => line.StartsWith("No node of 2 kept a live stream", StringComparison.Ordinal));
        // A clock that never moves: however slow the machine, no stream was live for a second.
        await using var follower = new LeaderFollower([NodeA, NodeB], http, new SteppedClock(), log).Start();

        // A follower that took each flap for a working stream would name node-1 for ever and ask again at once.
        await log.Seen.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(Volatile.Read(ref asked) >= 2, "both nodes were tried");
    }

    private static async Task<LeaderView> WaitForAsync(LeaderFollower follower, Func<LeaderView, bool> match, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        await foreach (var leader in follower.ChangesAsync(deadline.Token))
        {
            if (leader is not null && match(leader))
            {
                return leader;
            }
        }

        throw new TimeoutException($"the follower did not name the expected leader within {within}");
    }
}
