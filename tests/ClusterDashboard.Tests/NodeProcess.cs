using System.Collections.Concurrent;
using System.Diagnostics;
using ClusterDashboard.Testing;

namespace ClusterDashboard.Tests;

/// <summary>
/// One ClusterDashboard node as a process of its own, started the way an operator starts one (<c>dotnet
/// ClusterDashboard.dll</c>, settings from environment variables and arguments), for what only a real process shows:
/// what it writes to its console. The app's build is the one in this test's output folder, copied there by the project
/// reference. Every line of its stdout and stderr is kept.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private NodeProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    /// <summary>The lines written to stdout so far; all of them once <see cref="StopAsync"/> returned.</summary>
    public IReadOnlyList<string> Output => [.. _stdout];

    public IReadOnlyList<string> Errors => [.. _stderr];

    /// <param name="environment">Set on top of this process's own environment. The node serves on a free loopback port
    /// (<c>--urls</c>), which is also its <c>Cluster__AdvertisedUrl</c>.</param>
    /// <param name="arguments">Command-line settings, e.g. <c>--Logging:LogLevel:Default=Trace</c>.</param>
    public static NodeProcess Start(IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var port = LoopbackPort.Next();
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in (string[])["exec", Path.Combine(AppContext.BaseDirectory, "ClusterDashboard.dll"), "--urls", $"http://127.0.0.1:{port}", .. arguments])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Cluster__AdvertisedUrl"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var node = new NodeProcess(process, port);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                node._stdout.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                node._stderr.Enqueue(line);
            }
        };
        process.Start();
        ProcessRegistry.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>SIGTERM, as a service manager stops a node: it leaves the election and flushes its log. Returns once the
    /// process has exited and its output is read to the end; kills it if it takes longer than
    /// <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            await ProcessRegistry.SignalAsync(_process.Id, 15);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            // Also waits until the redirected output has been read to its end.
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            throw new TimeoutException($"The node did not exit within {grace.TotalSeconds} s of SIGTERM; it was killed.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        ProcessRegistry.Forget(_process);
        _process.Dispose();
    }

    // The host that runs this test (dotnet test starts the test host with it), else the one on the PATH.
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
