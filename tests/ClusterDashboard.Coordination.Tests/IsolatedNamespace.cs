using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>Gives a test its own chroot on a shared server, so tests never see each other's znodes.</summary>
internal static class IsolatedNamespace
{
    public static async Task<string> CreateAsync(string connectString, string name)
    {
        var root = TestPaths.Unique(name);
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = connectString });
        await zk.CreateAsync(root, (string?)null);
        return connectString + root;
    }
}
