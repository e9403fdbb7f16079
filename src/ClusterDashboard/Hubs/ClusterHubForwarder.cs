using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using Microsoft.AspNetCore.SignalR;

namespace ClusterDashboard.Hubs;

/// <summary>Relays the in-process event feed to every hub client.</summary>
internal sealed class ClusterHubForwarder(ClusterEventFeed feed, IHubContext<ClusterHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(ForwardAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private Task ForwardAsync(ClusterEvent e) => e switch
    {
        LeaderChangedEvent leader => To(HubTopic.Leader).SendAsync("LeaderChanged", leader.Current.ToResponse()),
        SnapshotEvent { MembershipChanged: true } snapshot => Task.WhenAll(
            To(HubTopic.Election).SendAsync("ElectionChanged", snapshot.Snapshot.ToCandidates()),
            To(HubTopic.Members).SendAsync("MembersChanged", snapshot.Snapshot.ToMembers())),
        SnapshotEvent { Snapshot.Heartbeat: { } beat } => To(HubTopic.Heartbeat).SendAsync("HeartbeatChanged", beat),
        ZnodeEvent znode => To(HubTopic.Znodes).SendAsync("ZnodeChanged", new ZnodeMessage(znode.Change.Path, znode.Change.Kind, znode.Change.At, znode.Change.Zxid)),
        LocalStateEvent local => To(HubTopic.LocalState).SendAsync(
            "LocalStateChanged",
            new LocalStateMessage(local.NodeId, local.Change.State, local.Change.Epoch, local.Change.Znode, local.Change.At)),
        _ => Task.CompletedTask,
    };

    private IClientProxy To(HubTopic topic) => hub.Clients.Group(topic.Group());
}
