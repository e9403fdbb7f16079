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

    /// <summary>Answers each request with the stream its node's script gives, left open unless the script ends it.</summary>
    private sealed class ScriptedNodes(Func<HttpRequestMessage, (string Events, bool End)?> script) : HttpMessageHandler
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
            if (answer.End)
            {
                await pipe.Writer.CompleteAsync();
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
                return Interlocked.Increment(ref askedA) == 1 ? (Leader("node-1", 10, 100), true) : null;
            }

            if (Volatile.Read(ref askedA) == 0)
            {
                return null; // B is asked only after A, so the test sees the move
            }

            return request.Headers.Contains("Last-Event-ID") ? (string.Empty, false) : (Leader("node-2", 20, 90), false);
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
        // A names node-2 (term 20) at index 100 and goes; B lags: it still names node-1 (term 10) at index 90, then its
        // stream ends too. The follower asks B again only after it read all of B's first stream: the test looks then.
        var askedA = 0;
        var askedB = 0;
        var bAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var nodes = new ScriptedNodes(request =>
        {
            if (request.RequestUri!.Host == NodeA.Host)
            {
                return Interlocked.Increment(ref askedA) == 1 ? (Leader("node-2", 20, 100), true) : null;
            }

            if (Volatile.Read(ref askedA) == 0)
            {
                return null;
            }

            if (Interlocked.Increment(ref askedB) == 1)
            {
                return (Leader("node-1", 10, 90), true);
            }

            bAgain.TrySetResult();
            return (string.Empty, false);
        });
        using var http = new HttpClient(nodes) { Timeout = Timeout.InfiniteTimeSpan };
        await using var follower = new LeaderFollower([NodeA, NodeB], http).Start();

        await bAgain.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("node-2", follower.Current?.NodeId);
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
