using ClusterDashboard.Coordination;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClusterDashboard.Cluster;

/// <summary>The host is up; whether it also takes part in the election is reported, not failed on, so a ZooKeeper
/// outage does not make an orchestrator restart every node at once (Degraded still answers 200).</summary>
internal sealed class ClusterHealthCheck(IElectionParticipant participant) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = participant.State;
        var data = new Dictionary<string, object> { ["nodeId"] = participant.NodeId, ["state"] = state.ToString() };
        return Task.FromResult(state is LeadershipState.Leader or LeadershipState.Follower or LeadershipState.Observer
            ? HealthCheckResult.Healthy($"{participant.NodeId} is {state}", data)
            : HealthCheckResult.Degraded($"{participant.NodeId} is {state}", data: data));
    }
}
