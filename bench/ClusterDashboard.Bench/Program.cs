using System.Globalization;
using ClusterDashboard.Bench;
using ClusterDashboard.Testing;

// Benchmarks that print figures beside a baseline measured in the same run: `client` (our ZooKeeper client against
// the official Java client). Each run starts its own ZooKeeper server on loopback.
var command = args.FirstOrDefault() ?? "client";
var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
await using var cluster = await ZooKeeperCluster.StartAsync(1);
switch (command)
{
    case "client":
        await ClientBenchmark.RunAsync(cluster.ConnectString, TimeSpan.FromSeconds(Math.Max(1, seconds / 2)), TimeSpan.FromSeconds(seconds));
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}'; expected: client");
        return 2;
}

return 0;
