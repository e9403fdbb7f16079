using ClusterDashboard.Coordination;

namespace ClusterDashboard.Cluster;

/// <summary>Runs this node's participant and observer for the host's lifetime; stopping the host leaves the
/// election gracefully, so the next node leads at once instead of after a session timeout.</summary>
internal sealed class ClusterNodeService(ClusterNode node, ILogger<ClusterNodeService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.Joining(node.Options.NodeId, node.Options.ConnectString);
        await node.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        logger.Leaving(node.Options.NodeId);
        await node.StopAsync(cancellationToken);
    }
}
