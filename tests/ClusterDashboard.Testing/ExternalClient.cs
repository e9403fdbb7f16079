using System.Diagnostics;

namespace ClusterDashboard.Testing;

/// <summary>Runs clients nobody here wrote (kazoo, zkCli) as processes: for interop checks, and as the stranger (or
/// the careless operator with the cluster's credentials) of the security tests.</summary>
public static class ExternalClient
{
    /// <summary>Runs a kazoo script; <c>zk</c> is a started KazooClient on <paramref name="connectString"/>, with the
    /// digest credentials "user:password" when <paramref name="digestAuth"/> is given.</summary>
    public static async Task<string> KazooAsync(string connectString, string body, string? digestAuth = null) =>
        await RunAsync("/usr/bin/python3", ["-c", Script(connectString, body, digestAuth, keepOpen: false)]);

    /// <summary>Starts a kazoo script that keeps its session open until <see cref="Process.StandardInput"/> closes.</summary>
    public static Process StartKazoo(string connectString, string body, string? digestAuth = null)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script(connectString, body, digestAuth, keepOpen: true));
        return Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
    }

    public static Task<string> ZkCliAsync(string server, params string[] command) =>
        RunAsync("/usr/share/zookeeper/bin/zkCli.sh", ["-server", server, .. command]);

    private static string Script(string connectString, string body, string? digestAuth, bool keepOpen)
    {
        var auth = digestAuth is null ? "None" : $"[(\"digest\", \"{digestAuth}\")]";
        var script = $"""
            import json, sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts="{connectString}", auth_data={auth})
            zk.start(timeout=15)
            {body}
            sys.stdout.flush()

            """;
        return script + (keepOpen ? "sys.stdin.readline()\nzk.stop()\n" : "zk.stop()\n");
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
