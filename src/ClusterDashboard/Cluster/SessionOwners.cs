using ClusterDashboard.Coordination;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Cluster;

/// <summary>Which node a ZooKeeper session belongs to, from the cluster's own ephemeral znodes: a member znode is
/// owned by its node's participant session, a status znode by its observer session. Only a record that speaks for the
/// node it is named after counts (the view's own rule): anyone with write access can make a znode called node-1.</summary>
public static class SessionOwners
{
    public static IReadOnlyDictionary<long, string> Of(TreeSnapshot tree, string membersPath)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var owners = new Dictionary<long, string>();
        foreach (var (path, node) in tree.Nodes)
        {
            if (node.Stat.EphemeralOwner == 0 || path == "/")
            {
                continue;
            }

            var parent = ZooKeeperPath.Parent(path);
            var name = ZooKeeperPath.Name(path);
            var who = parent == ClusterNode.StatusPath && NodeStatus.TryParse(node.Data)?.NodeId == name ? $"{name}'s observer session"
                : parent == membersPath && MemberPayload.TryParse(node.Data)?.NodeId == name ? $"{name}'s participant session"
                : null;
            if (who is not null)
            {
                owners.TryAdd(node.Stat.EphemeralOwner, who);
            }
        }

        return owners;
    }
}
