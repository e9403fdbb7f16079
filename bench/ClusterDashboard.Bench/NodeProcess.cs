using System.Diagnostics;
using System.Globalization;
using System.Net;
using ClusterDashboard.Testing;

namespace ClusterDashboard.Bench;

/// <summary>A node of the published app, run as its own process.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;

    private NodeProcess(string id, Uri url, Process process) => (Id, Url, _process) = (id, url, process);

    public string Id { get; }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    /// <summary>The process's resident set (VmRSS in /proc), in bytes; null once it has exited.</summary>
    public long? ResidentBytes() => Status("VmRSS");

    /// <summary>A size line of /proc/PID/status ("VmRSS", "RssAnon", "RssFile", "RssShmem"), in bytes.</summary>
    public long? Status(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A bare fan-out server (this benchmark's own <c>fanout-server</c>), with the nodes' GC settings.</summary>
    public static NodeProcess StartBare()
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(ViewsBenchmark).Assembly.Location);
        start.ArgumentList.Add("fanout-server");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString());
        // The nodes' GC settings (src/ClusterDashboard/ClusterDashboard.csproj), so the baseline differs only in code.
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        start.Environment["DOTNET_GCConserveMemory"] = "7";
        start.Environment["DOTNET_TieredPGO"] = "0";
        return Launch($"bare-{port}", url, start);
    }

    private static NodeProcess Launch(string id, Uri url, ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessRegistry.Track(process); // killed at exit, should the benchmark end before disposing it
        return new NodeProcess(id, url, process);
    }

    /// <param name="environment">Settings on top of the benchmark's (a GC configuration, say).</param>
    public static NodeProcess Start(string app, string id, string connect, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(app)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString());
        start.Environment["ZooKeeper__ConnectString"] = connect;
        start.Environment["ZooKeeper__Auth"] = TestCredentials.Auth;
        start.Environment["ZooKeeper__SessionTimeout"] = "00:00:05";
        start.Environment["Cluster__NodeId"] = id;
        start.Environment["Cluster__AdvertisedUrl"] = url.ToString().TrimEnd('/');
        start.Environment["Faults__Enabled"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Launch(id, url, start);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        ProcessRegistry.Forget(_process);
        _process.Dispose();
    }
}
