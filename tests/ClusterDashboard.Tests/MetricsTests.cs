using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ClusterDashboard.Testing;

namespace ClusterDashboard.Tests;

/// <summary>/metrics as Prometheus scrapes it, on real nodes: the instruments are there, and a failover moves them.</summary>
[Collection(nameof(RunsAlone))]
public sealed partial class MetricsTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    // The sum of every sample of a metric whose labels contain each given text.
    private static double Value(string scrape, string name, params string[] labels) =>
        Sample().Matches(scrape).Where(m => m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [Fact]
    public async Task Metrics_name_every_instrument_and_a_failover_moves_the_leader_fault_and_election_counters()
    {
        var faultsOn = new Dictionary<string, string?> { ["Faults:Enabled"] = "true" };
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("metrics"), 2, TimeSpan.FromSeconds(4), faultsOn);
        var leader = await nodes.AgreedLeaderAsync(Deadline);
        var watcher = nodes.All.Single(n => n.NodeId != leader.NodeId);
        var before = await watcher.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var mine = $"node=\"{watcher.NodeId}\"";

        foreach (var name in new[]
        {
            "clusterdashboard_leadership_state", "clusterdashboard_view_live", "clusterdashboard_view_index", "clusterdashboard_leader_changes_total",
            "clusterdashboard_stream_clients", "clusterdashboard_longpoll_clients", "zookeeper_client_request_duration_seconds_bucket",
            "zookeeper_client_watch_notifications_total",
        })
        {
            Assert.Contains("\n" + name, before, StringComparison.Ordinal);
        }

        Assert.Equal(1, Value(before, "clusterdashboard_leadership_state", mine, "state=\"follower\""));
        Assert.Equal(1, Value(before, "clusterdashboard_view_live", mine));

        using var order = await watcher.Http.PostAsJsonAsync(new Uri($"/nodes/{leader.NodeId}/faults", UriKind.Relative), new { kind = "resign" });
        Assert.Equal(HttpStatusCode.Accepted, order.StatusCode);

        var after = await Eventually.UntilAsync(
            ct => watcher.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct),
            // The fault's record and the successor's come from different nodes, in either order: both phases count.
            scrape => Value(scrape, "clusterdashboard_failover_election_seconds_count", mine) >= 1
                && Value(scrape, "clusterdashboard_failover_detection_seconds_count", mine) >= 1
                && Value(scrape, "clusterdashboard_faults_injected_total", mine, "kind=\"resign\"") >= 1,
            Deadline,
            "the failover's election and detection are measured, and its fault counted");
        Assert.True(Value(after, "clusterdashboard_leader_changes_total", mine) > Value(before, "clusterdashboard_leader_changes_total", mine));
        Assert.Equal(1, Value(after, "clusterdashboard_faults_injected_total", mine, "kind=\"resign\""));
        Assert.Equal(1, Value(after, "clusterdashboard_leadership_state", mine, "state=\"leader\""));
        Assert.True(Value(after, "clusterdashboard_leadership_epoch", mine) > leader.Epoch, "the new leader's epoch is above the old one's");
        Assert.True(Value(after, "zookeeper_client_request_duration_seconds_count", "zookeeper_operation=\"multi\"") > 0, "requests are timed by operation");
    }
}
