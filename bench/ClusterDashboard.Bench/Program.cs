using System.Globalization;
using ClusterDashboard.Bench;
using ClusterDashboard.Testing;

// Benchmarks that print figures beside a baseline measured in the same run: `client` (our ZooKeeper client against
// the official Java client; `client-tls` the same over TLS) and `election` (our election against Curator's
// LeaderLatch, and kazoo's Election). Each run starts its own ZooKeeper server on loopback. The second argument
// scales the run (client: seconds per row; election: rounds x N/10); for election a third picks workloads (a comma
// list of graceful, crash, herd; all by default). `chaos` runs the fault campaign (ChaosCommand); `views` times every
// node's REST, stream and hub after a resign (ViewsBenchmark); `memory` a node's resident set under GC configurations
// (MemoryBenchmark); `soak` an hour of churn (SoakBenchmark).
var command = args.FirstOrDefault() ?? "client";
if (command == "views")
{
    // Runs its own 3-server ensemble and three node processes: see ViewsBenchmark.
    return await ViewsBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30, args.Length > 2 && args[2] == "gc");
}

if (command == "memory")
{
    // Runs its own server and three node processes per GC configuration: see MemoryBenchmark.
    return await MemoryBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60, args.Length > 2 ? args[2] : null);
}

if (command == "soak")
{
    // Runs its own 3-server ensemble, three node processes, a browser and hub clients for an hour: see SoakBenchmark.
    return await SoakBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60);
}

if (command == "fanout-server")
{
    // The views benchmark starts this as a process: the bare baseline of its fan-out (BareFanoutServer).
    return await BareFanoutServer.RunAsync(args[1..]);
}

if (command == "chaos")
{
    // Runs its own 3-server ensemble: see ChaosCommand.
    return await ChaosCommand.RunAsync(args[1..]);
}

var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : command == "election" ? 10 : 5;
// The server does not fsync its transaction log (ForceSync is off): the disk's latency is neither client's, and on a
// shared VM disk its stalls would swamp the tail of whichever side happened to meet them.
var serverOptions = new ZooKeeperClusterOptions { ForceSync = false, Tls = command == "client-tls" ? ClientTls.Only : ClientTls.None };
await using var cluster = await ZooKeeperCluster.StartAsync(1, serverOptions);
switch (command)
{
    case "client":
        await ClientBenchmark.RunAsync(cluster.ConnectString, TimeSpan.FromSeconds(Math.Max(1, seconds / 2)), TimeSpan.FromSeconds(seconds));
        break;
    case "client-tls":
        await ClientBenchmark.RunAsync(cluster.ConnectString, TimeSpan.FromSeconds(Math.Max(1, seconds / 2)), TimeSpan.FromSeconds(seconds), cluster.Certificates);
        break;
    case "election":
        return await ElectionBenchmark.RunAsync(cluster.ConnectString, serverOptions.TickTime, seconds / 10.0, args.Length > 2 ? args[2].Split(',') : ["graceful", "crash", "herd"]);
    default:
        Console.Error.WriteLine($"unknown benchmark '{command}'; expected: client, client-tls, election, views, memory, soak or chaos");
        return 2;
}

return 0;
