using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Testing;

/// <summary>One real ZooKeeper server process (Debian's jars), started and stopped by the tests.</summary>
public sealed class ZooKeeperServer
{
    private static readonly string[] Jars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-simple.jar", "netty-handler.jar", "netty-common.jar",
        "netty-buffer.jar", "netty-transport.jar", "netty-codec.jar", "netty-resolver.jar", "netty-transport-native-epoll.jar",
        "netty-transport-native-unix-common.jar", "commons-cli.jar", "metrics-core.jar", "snappy-java.jar",
    ];

    private readonly string _directory;
    private Process? _process;

    internal ZooKeeperServer(int id, int clientPort, string directory)
    {
        Id = id;
        ClientPort = clientPort;
        _directory = directory;
    }

    public int Id { get; }

    /// <summary>The plain client port; no server listens on it when <see cref="TlsOnly"/>.</summary>
    public int ClientPort { get; }

    /// <summary>The secureClientPort, when the server speaks TLS to clients.</summary>
    public int? SecurePort { get; init; }

    public TestCertificates? Certificates { get; init; }

    /// <summary>Clients, the four-letter words included, reach this server over TLS only.</summary>
    public bool TlsOnly { get; init; }

    /// <summary>Where a client connects: the secure port of a TLS-only server, else the plain one.</summary>
    public string Address => TlsOnly ? SecureAddress! : $"127.0.0.1:{ClientPort}";

    public string? SecureAddress => SecurePort is { } port ? $"127.0.0.1:{port}" : null;

    public string LogPath => Path.Combine(_directory, "server.log");

    public string ConfigPath => Path.Combine(_directory, "zoo.cfg");

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>Starts the JVM and waits until the server serves clients (srvr prints a Mode line).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Launch();
        await WaitServingAsync(TimeSpan.FromSeconds(45), cancellationToken);
    }

    internal void Launch()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"ZooKeeper server {Id} is already running.");
        }

        var java = Environment.GetEnvironmentVariable("JAVA_HOME") is { Length: > 0 } home ? Path.Combine(home, "bin", "java") : "java";
        var start = new ProcessStartInfo(java)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[]
        {
            "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-Dzookeeper.admin.enableServer=false",
            "-cp", string.Join(':', Jars.Select(j => Path.Combine("/usr/share/java", j))),
            "org.apache.zookeeper.server.quorum.QuorumPeerMain", ConfigPath,
        })
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(LogPath, append: true, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => WriteLog(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        File.WriteAllText(Path.Combine(_directory, "server.pid"), process.Id.ToString(CultureInfo.InvariantCulture));
        _process = process;
        ProcessRegistry.Track(process);
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>SIGKILL: the server vanishes as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        ProcessRegistry.Forget(process);
        process.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP: the server freezes with its sockets open, as in a long GC pause or a hung machine.</summary>
    public Task PauseAsync() => _process is { HasExited: false } p ? ProcessRegistry.SignalAsync(p.Id, 19) : Task.CompletedTask;

    /// <summary>SIGCONT: a paused server carries on.</summary>
    public Task ResumeAsync() => _process is { HasExited: false } p ? ProcessRegistry.SignalAsync(p.Id, 18) : Task.CompletedTask;

    /// <summary>SIGTERM, then SIGKILL if it does not exit within a few seconds.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            await KillAsync();
            return;
        }

        await ProcessRegistry.SignalAsync(process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await KillAsync();
    }

    public async Task<string> FourLetterWordAsync(string word, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var endpoint = new DnsEndPoint("127.0.0.1", TlsOnly ? SecurePort!.Value : ClientPort);
        var dialer = TlsOnly ? ZooKeeperDialers.Tls(Certificates!.ClientOptions()) : ZooKeeperDialers.Tcp;
        await using var stream = await dialer(endpoint, timeout.Token);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(word), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    /// <summary>The paths the server holds a watch on for one session (the wchc command), with the session's chroot.</summary>
    public async Task<IReadOnlyList<string>> WatchedPathsAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        // One block per session: "0x<id>" and then a tab-indented line per watched path.
        var paths = new List<string>();
        var ours = false;
        foreach (var line in (await FourLetterWordAsync("wchc", cancellationToken)).Split('\n'))
        {
            if (line.StartsWith("0x", StringComparison.Ordinal))
            {
                ours = long.TryParse(line.AsSpan(2).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var id) && id == sessionId;
            }
            else if (ours && line.Trim() is { Length: > 0 } path)
            {
                paths.Add(path);
            }
        }

        return paths;
    }

    /// <summary>The server's Mode (standalone, leader, follower), or null while it does not serve.</summary>
    public async Task<string?> ModeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var srvr = await FourLetterWordAsync("srvr", cancellationToken);
            var line = srvr.Split('\n').FirstOrDefault(l => l.StartsWith("Mode:", StringComparison.Ordinal));
            return line?["Mode:".Length..].Trim();
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    internal async Task WaitServingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"ZooKeeper server {Id} exited during start-up:\n{Tail()}");
            }

            if (await ModeAsync(cancellationToken) is not null)
            {
                // Make sure the answer came from our process, not another server that happens to hold the port.
                var conf = await FourLetterWordAsync("conf", cancellationToken);
                if (!conf.Contains(_directory, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Port {ClientPort} is answered by another ZooKeeper, not server {Id}.");
                }

                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"ZooKeeper server {Id} did not start serving on {Address} within {timeout.TotalSeconds} s:\n{Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The last lines of the server's own log, for a failure message.</summary>
    public string Tail() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(30)) : "(no log)";
}
