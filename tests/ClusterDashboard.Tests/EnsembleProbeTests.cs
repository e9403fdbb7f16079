using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Tests;

public sealed class EnsembleProbeTests
{
    [Fact]
    public async Task A_server_that_refuses_four_letter_words_and_one_that_is_gone_are_told_apart()
    {
        // Answers every word as ZooKeeper 3.8 does when it is not in 4lw.commands.whitelist.
        using var strict = new TcpListener(IPAddress.Loopback, 0);
        strict.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await strict.AcceptTcpClientAsync(stop.Token);
                var stream = client.GetStream();
                var word = new byte[4];
                await stream.ReadExactlyAsync(word, stop.Token);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{Encoding.ASCII.GetString(word)} is not executed because it is not in the whitelist.\n"), stop.Token);
            }
        });
        var refusing = $"127.0.0.1:{((IPEndPoint)strict.LocalEndpoint).Port}";
        var gone = $"127.0.0.1:{LoopbackPort.Next()}";
        var probe = new EnsembleProbe(new ClusterNodeOptions { ConnectString = $"{refusing},{gone}/chroot", NodeId = "probe", AdvertisedUrl = "http://127.0.0.1:1" }, new FakeCoordination(), TimeProvider.System);

        var servers = await probe.ReadAsync();
        await stop.CancelAsync();
        await serving.ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal([refusing, gone], servers.Select(s => s.Address));
        Assert.Equal(ServerReach.Refused, servers[0].Reach);
        Assert.Contains("4lw.commands.whitelist", servers[0].Problem, StringComparison.Ordinal);
        Assert.Equal(ServerReach.Down, servers[1].Reach);
    }
}
