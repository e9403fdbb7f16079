using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClusterDashboard.Testing;

/// <summary>
/// A real ZooKeeper standalone server or 3-server ensemble on 127.0.0.1, in its own temp directory, on free ports.
/// Disposing kills exactly the processes it started and removes the directory (kept with ZK_KEEP_TEMP=1).
/// </summary>
public sealed class ZooKeeperCluster : IAsyncDisposable
{
    private readonly string _directory;

    private ZooKeeperCluster(string directory, IReadOnlyList<ZooKeeperServer> servers, TestCertificates? certificates)
    {
        _directory = directory;
        Servers = servers;
        Certificates = certificates;
    }

    public IReadOnlyList<ZooKeeperServer> Servers { get; }

    /// <summary>Where a client connects: the secure ports of a TLS-only cluster, else the plain ones.</summary>
    public string ConnectString => string.Join(',', Servers.Select(s => s.Address));

    /// <summary>The CA and stores the servers' TLS runs on; null without TLS.</summary>
    public TestCertificates? Certificates { get; }

    public string Directory => _directory;

    public static async Task<ZooKeeperCluster> StartAsync(int servers = 1, ZooKeeperClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (servers is not (1 or 3 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(servers), servers, "A cluster has 1, 3 or 5 servers.");
        }

        options ??= new ZooKeeperClusterOptions();
        var directory = System.IO.Directory.CreateTempSubdirectory("zk-").FullName;
        var ports = FreePorts(servers * 4);
        var certificates = options.Tls == ClientTls.None ? null : await TestCertificates.CreateAsync(Path.Combine(directory, "tls"), cancellationToken);
        var quorumLines = servers == 1
            ? []
            : Enumerable.Range(1, servers).Select(i => $"server.{i}=127.0.0.1:{ports[(servers) + ((i - 1) * 2)]}:{ports[servers + ((i - 1) * 2) + 1]}").ToList();
        var list = new List<ZooKeeperServer>();
        for (var i = 1; i <= servers; i++)
        {
            var serverDirectory = Path.Combine(directory, $"zk{i}");
            System.IO.Directory.CreateDirectory(Path.Combine(serverDirectory, "data"));
            await File.WriteAllTextAsync(Path.Combine(serverDirectory, "data", "myid"), i.ToString(CultureInfo.InvariantCulture), cancellationToken);
            var config = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"tickTime={(int)options.TickTime.TotalMilliseconds}")
                .AppendLine(CultureInfo.InvariantCulture, $"maxSessionTimeout={(int)options.MaxSessionTimeout.TotalMilliseconds}")
                .AppendLine("initLimit=20")
                .AppendLine("syncLimit=10")
                .AppendLine(CultureInfo.InvariantCulture, $"dataDir={Path.Combine(serverDirectory, "data")}")
                .AppendLine("admin.enableServer=false")
                .AppendLine(CultureInfo.InvariantCulture, $"4lw.commands.whitelist={options.FourLetterWhitelist}")
                .AppendLine(CultureInfo.InvariantCulture, $"extendedTypesEnabled={(options.ExtendedTypesEnabled ? "true" : "false")}")
                .AppendLine("maxClientCnxns=0")
                .AppendLine(CultureInfo.InvariantCulture, $"forceSync={(options.ForceSync ? "yes" : "no")}");
            if (options.Tls != ClientTls.Only)
            {
                config.AppendLine(CultureInfo.InvariantCulture, $"clientPort={ports[i - 1]}").AppendLine("clientPortAddress=127.0.0.1");
            }

            var securePort = ports[(servers * 3) + i - 1];
            foreach (var line in quorumLines.Concat(certificates?.ServerConfig(securePort) ?? []).Concat(options.ExtraConfig))
            {
                config.AppendLine(line);
            }

            await File.WriteAllTextAsync(Path.Combine(serverDirectory, "zoo.cfg"), config.ToString(), cancellationToken);
            list.Add(new ZooKeeperServer(i, ports[i - 1], serverDirectory)
            {
                SecurePort = certificates is null ? null : securePort,
                Certificates = certificates,
                TlsOnly = options.Tls == ClientTls.Only,
            });
        }

        var cluster = new ZooKeeperCluster(directory, list, certificates);
        try
        {
            foreach (var server in list)
            {
                server.Launch();
            }

            await Task.WhenAll(list.Select(s => s.WaitServingAsync(TimeSpan.FromSeconds(60), cancellationToken)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the running servers serve clients again (a quorum formed).</summary>
    public Task WaitForQuorumAsync(CancellationToken cancellationToken = default) =>
        Eventually.UntilAsync(
            async ct => (await Task.WhenAll(Servers.Where(s => s.IsRunning).Select(s => s.ModeAsync(ct)))).All(m => m is not null),
            TimeSpan.FromSeconds(60),
            "every running server serves clients");

    /// <summary>The running server that leads the ensemble (or the standalone one).</summary>
    public async Task<ZooKeeperServer?> LeaderAsync(CancellationToken cancellationToken = default) =>
        (await RunningInModeAsync(mode => mode is "leader" or "standalone", cancellationToken)).FirstOrDefault();

    /// <summary>The running servers that follow the ensemble's leader, once every running server but the leader
    /// says so. A test that kills or pauses one of these leaves a quorum serving without an election, so what it
    /// measures is the client's failover alone.</summary>
    public Task<List<ZooKeeperServer>> FollowersAsync() =>
        Eventually.UntilAsync(
            ct => RunningInModeAsync(mode => mode == "follower", ct),
            followers => followers.Count == Servers.Count(s => s.IsRunning) - 1,
            TimeSpan.FromSeconds(60),
            "every running server but the leader follows it");

    private async Task<List<ZooKeeperServer>> RunningInModeAsync(Func<string?, bool> inMode, CancellationToken cancellationToken)
    {
        var found = new List<ZooKeeperServer>();
        foreach (var server in Servers.Where(s => s.IsRunning))
        {
            if (inMode(await server.ModeAsync(cancellationToken)))
            {
                found.Add(server);
            }
        }

        return found;
    }

    public async Task KillAllAsync()
    {
        foreach (var server in Servers)
        {
            await server.KillAsync();
        }
    }

    public async Task StartAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var server in Servers.Where(s => !s.IsRunning))
        {
            server.Launch();
        }

        await Task.WhenAll(Servers.Select(s => s.WaitServingAsync(TimeSpan.FromSeconds(60), cancellationToken)));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAllAsync();
        if (Environment.GetEnvironmentVariable("ZK_KEEP_TEMP") != "1")
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // Every port is held until all are chosen, so the OS never hands the same one out twice.
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var listener in listeners)
        {
            listener.Stop();
        }

        return ports;
    }
}
