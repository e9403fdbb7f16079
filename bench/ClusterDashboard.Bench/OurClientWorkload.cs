using System.Diagnostics;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Bench;

/// <summary>Our client under the closed loop the Java driver runs: <c>inflight</c> workers, each issuing its next
/// request when the previous one completes.</summary>
internal static class OurClientWorkload
{
    /// <param name="dialer">How the client connects: plain TCP unless given (the TLS rows give one).</param>
    public static async Task<Measurement> RunAsync(string connectString, string workload, int inflight, TimeSpan warmup, TimeSpan measure, ZooKeeperDialer? dialer = null)
    {
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString, SessionTimeout = TimeSpan.FromSeconds(10), Dialer = dialer ?? ZooKeeperDialers.Tcp });
        var root = $"/bench-ours-{Stopwatch.GetTimestamp()}";
        await zk.CreateAsync(root, (string?)null);
        var dataPath = root + "/data";
        await zk.CreateAsync(dataPath, new byte[16]);
        var recorder = new LatencyRecorder(4_000_000);
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, inflight).Select(i => Task.Run(async () =>
        {
            var mine = $"{root}/n{i}";
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (workload == "getdata")
                    {
                        await zk.GetDataAsync(dataPath);
                        recorder.Record(start, 1);
                    }
                    else
                    {
                        await zk.CreateAsync(mine, new byte[16]);
                        await zk.DeleteAsync(mine);
                        recorder.Record(start, 2);
                    }
                }
                catch (ZooKeeperException)
                {
                    recorder.Error();
                }
            }
        })).ToList();

        await Task.Delay(warmup);
        recorder.Measuring = true;
        var begin = Stopwatch.GetTimestamp();
        await Task.Delay(measure);
        recorder.Measuring = false;
        var elapsed = Stopwatch.GetElapsedTime(begin);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        for (var i = 0; i < inflight; i++)
        {
            try
            {
                await zk.DeleteAsync($"{root}/n{i}");
            }
            catch (ZooKeeperException)
            {
            }
        }

        await zk.DeleteAsync(dataPath);
        await zk.DeleteAsync(root);
        return recorder.Result(elapsed);
    }
}
