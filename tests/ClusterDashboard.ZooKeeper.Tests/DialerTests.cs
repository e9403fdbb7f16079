using System.Net;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>The client's one seam: it opens every connection through the dialer it is given, and holds nothing else
/// that a fault drill could use.</summary>
public sealed class DialerTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly string[] FaultWords = ["Inject", "Frozen", "Blocked", "ClientFaults", "Freeze"];

    [Fact]
    public async Task Every_connection_including_a_reconnect_is_opened_through_the_dialer_given()
    {
        var dialed = new List<(DnsEndPoint Server, Stream Stream)>();
        ZooKeeperDialer dialer = async (server, cancellationToken) =>
        {
            var stream = await ZooKeeperDialers.Tcp(server, cancellationToken);
            lock (dialed)
            {
                dialed.Add((server, stream));
            }

            return stream;
        };
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = zookeeper.ConnectString, SessionTimeout = TimeSpan.FromSeconds(20), Dialer = dialer });
        var session = zk.SessionId;

        // Closing the stream under the client, as a network that drops the connection would.
        var disconnected = StateHeard.Next(zk, ConnectionState.Disconnected);
        await dialed[0].Stream.DisposeAsync();
        await disconnected.WaitAsync(TimeSpan.FromSeconds(10));
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(session, zk.SessionId);
        Assert.Equal(2, dialed.Count);
        Assert.All(dialed, d => Assert.Equal(zookeeper.Cluster.Servers[0].ClientPort, d.Server.Port));
        Assert.NotNull(await zk.ExistsAsync("/"));
    }

    [Fact]
    public void The_client_carries_no_fault_code()
    {
        // Faults live in the network a client dials through, never in the client: none of its drills' hooks are left.
        var source = Path.Combine(RepositoryRoot(), "src", "ClusterDashboard.ZooKeeper");
        var offending = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => FaultWords.Any(word => l.Text.Contains(word, StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(Directory.EnumerateFiles(source, "ZooKeeperClient*.cs").Any(), $"the client's sources are at {source}");
        Assert.Empty(offending);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClusterDashboard.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ClusterDashboard.sln not found above the test's folder");
    }
}
