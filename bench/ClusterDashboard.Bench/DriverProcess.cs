using System.Diagnostics;
using System.Text.Json;

namespace ClusterDashboard.Bench;

/// <summary>Runs a baseline's driver (bench/java, bench/python) as a process and reads the one JSON line it prints.</summary>
internal static class DriverProcess
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The last line of <paramref name="output"/> that is a JSON object, as <typeparamref name="T"/>.</summary>
    public static T Result<T>(string output, string driver)
    {
        var line = output.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'))
            ?? throw new InvalidOperationException($"{driver} printed no result");
        return JsonSerializer.Deserialize<T>(line, Json) ?? throw new InvalidOperationException($"{driver} printed no result");
    }

    /// <summary>Runs <paramref name="program"/> to its end and returns its standard output; a non-zero exit throws with
    /// its standard error, and its lines starting "warning:" are passed on to ours.</summary>
    public static async Task<string> ExecAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await stderr}");
        }

        foreach (var warning in (await stderr).Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(warning);
        }

        return await stdout;
    }
}
