using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

internal static class ZooKeeperPaths
{
    /// <summary>Creates a persistent path and its missing parents with <paramref name="acl"/>; a path that exists
    /// already is fine.</summary>
    public static async Task EnsureAsync(ZooKeeperClient zk, string path, IReadOnlyList<Acl> acl, CancellationToken cancellationToken)
    {
        if (path == "/" || await zk.ExistsAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        await EnsureAsync(zk, ZooKeeperPath.Parent(path), acl, cancellationToken).ConfigureAwait(false);
        try
        {
            await zk.CreateAsync(path, null, CreateMode.Persistent, acl, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NodeExists)
        {
        }
    }
}
