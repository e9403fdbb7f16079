using ClusterDashboard.Testing;

namespace ClusterDashboard.Tests;

/// <summary>N dashboard nodes against one ZooKeeper namespace.</summary>
internal sealed class DashboardCluster : IAsyncDisposable
{
    private readonly List<DashboardNode> _nodes;

    public DashboardCluster(string connectString, int count, TimeSpan? sessionTimeout = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        _nodes = Enumerable.Range(1, count).Select(i => new DashboardNode($"node-{i}", connectString, sessionTimeout, extraSettings).Start()).ToList();
    }

    public IReadOnlyList<DashboardNode> All => _nodes;

    /// <summary>Once every node names the same leader over REST: that leader.</summary>
    public async Task<Api.LeaderResponse> AgreedLeaderAsync(TimeSpan deadline)
    {
        var leaders = await Eventually.UntilAsync(
            async ct => await Task.WhenAll(_nodes.Select(n => n.Http.GetLeaderAsync(ct))),
            all => all.All(l => l is not null) && all.Select(l => l!.Znode).Distinct().Count() == 1,
            deadline,
            "every node names the same leader");
        return leaders[0]!;
    }

    /// <summary>Stops a node's host: it leaves the election gracefully, as on a shutdown.</summary>
    public async Task StopAsync(string nodeId)
    {
        var node = _nodes.Single(n => n.NodeId == nodeId);
        _nodes.Remove(node);
        await node.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
