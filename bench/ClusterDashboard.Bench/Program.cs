using System.Globalization;
using ClusterDashboard.Bench;
using ClusterDashboard.Testing;

// Benchmarks that print figures beside a baseline measured in the same run: `client` (our ZooKeeper client against
// the official Java client) and `election` (our election against Curator's LeaderLatch). Each run starts its own
// ZooKeeper server on loopback. The second argument scales the run (client: seconds per row; election: rounds x N/10).
var command = args.FirstOrDefault() ?? "client";
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : command == "election" ? 10 : 5;
await using var cluster = await ZooKeeperCluster.StartAsync(1);
switch (command)
{
    case "client":
        await ClientBenchmark.RunAsync(cluster.ConnectString, TimeSpan.FromSeconds(Math.Max(1, seconds / 2)), TimeSpan.FromSeconds(seconds));
        break;
    case "election":
        return await ElectionBenchmark.RunAsync(cluster.ConnectString, seconds / 10.0);
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}'; expected: client or election");
        return 2;
}

return 0;
