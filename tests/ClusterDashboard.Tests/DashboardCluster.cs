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
