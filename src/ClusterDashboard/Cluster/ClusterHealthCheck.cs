using ClusterDashboard.Coordination;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClusterDashboard.Cluster;

/// <summary>
/// Readiness (<c>/readyz</c>): this node can be sent traffic that relies on its answers. Its observer session is
/// connected and its view synced (the view the API answers from), and its participant is in the election as leader or
/// follower, or is an observer. Anything else is Unhealthy with the reason, so a load balancer takes the node out while
/// an orchestrator leaves it running (liveness, <c>/healthz</c>, never looks at ZooKeeper). A leader's own state
/// already ends at its lease (<see cref="IElectionParticipant.State"/> says Suspended once ZooKeeper has answered
/// nothing for two thirds of the session), so a node that believes it leads past that bound fails here too.
/// </summary>
internal sealed class ClusterReadinessCheck(IElectionParticipant participant, IClusterObserver observer) : IHealthCheck
{
    public const string Tag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = participant.State;
        var freshness = observer.Freshness;
        var data = new Dictionary<string, object>
        {
            ["nodeId"] = participant.NodeId,
            ["state"] = NodeStates.Of(state).Name(),
            ["viewSynced"] = freshness.Synced,
            ["viewIndex"] = freshness.Zxid,
        };
        // The view the API answers from, live and synced: a synced view unanswered past its ping interval is in doubt.
        if (!freshness.Synced || !freshness.Live)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{participant.NodeId} is not ready: {freshness.StaleReason ?? "its view of the cluster is not synced with ZooKeeper"}", data: data));
        }

        return Task.FromResult(state is LeadershipState.Leader or LeadershipState.Follower or LeadershipState.Observer
            ? HealthCheckResult.Healthy($"{participant.NodeId} is ready: {NodeStates.Of(state).Name()}", data)
            : HealthCheckResult.Unhealthy($"{participant.NodeId} is not ready: it is {NodeStates.Of(state).Name()}, not in the election", data: data));
    }
}
