using System.Globalization;
using ClusterDashboard.Testing.Chaos;

namespace ClusterDashboard.Bench;

/// <summary>
/// `chaos [--faults N] [--seed S] [--session-ms T] [--verbose]`: the fault campaign (ChaosCampaign) at full length,
/// 500 faults by default, on a real 3-server ensemble. Prints a line per fault and the figures at the end; exits 1 if
/// any check failed. A seed replays the same schedule; --verbose adds what the nodes warn about.
/// </summary>
internal static class ChaosCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ChaosOptions { Seed = Environment.TickCount & 0x7FFFFFFF, Log = line => Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}") };
        if (args.Contains("--verbose"))
        {
            options = options with { LoggerFactory = new WarningLog(options.Log) };
            args = [.. args.Where(a => a != "--verbose")];
        }

        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--faults" => options with { Faults = value },
                "--seed" => options with { Seed = value },
                "--session-ms" => options with { SessionTimeout = TimeSpan.FromMilliseconds(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}; expected --faults, --seed, --session-ms or --verbose"),
            };
        }

        Console.WriteLine($"chaos: seed {options.Seed}, {options.Faults} faults");
        var report = await ChaosCampaign.RunAsync(options);
        Console.WriteLine();
        Console.WriteLine(report.Summary());
        foreach (var failure in report.Failures)
        {
            Console.WriteLine($"  FAILED: {failure}");
        }

        return report.Failures.Count == 0 ? 0 : 1;
    }
}
