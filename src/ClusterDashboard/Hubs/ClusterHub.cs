using ClusterDashboard.Api;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using Microsoft.AspNetCore.SignalR;

namespace ClusterDashboard.Hubs;

/// <summary>
/// Pushes cluster changes to clients at /hubs/cluster. Client methods: LeaderChanged (LeaderResponse or null),
/// ElectionChanged (CandidateResponse[]), MembersChanged (MemberResponse[]), HeartbeatChanged ({nodeId, epoch, at}),
/// ZnodeChanged (ZnodeMessage, with its zxid) and LocalStateChanged (LocalStateMessage), each to the clients that chose
/// its <see cref="HubTopic"/> (all of them by default). A client starts from <see cref="GetSnapshot"/>, or from
/// <see cref="GetTree"/> to follow the whole tree.
/// </summary>
public sealed class ClusterHub(ClusterEventFeed feed, IClusterObserver observer, ClusterMetrics metrics) : Hub
{
    /// <summary>Joins the groups of the topics the client named in <c>?topics</c> (all by default); a name that is
    /// no topic ends the connection with the list of those that are.</summary>
    public override async Task OnConnectedAsync()
    {
        var requested = Context.GetHttpContext()?.Request.Query["topics"];
        var topics = HubTopics.Parse(requested is { Count: > 0 } r ? r.ToString() : null)
            ?? throw new HubException($"?topics is a comma list of: {string.Join(", ", HubTopics.All.Select(t => t.Name()))}.");
        foreach (var topic in topics)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, topic.Group());
        }

        metrics.HubConnected();
        Context.Items[Counted] = true; // refused connections were never counted, so they are not taken off
        await base.OnConnectedAsync();
    }

    private static readonly object Counted = new();

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.Remove(Counted))
        {
            metrics.HubDisconnected();
        }

        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>A znode's data beyond this is cut (<see cref="TreeNodeMessage.DataTruncated"/>): ours are small JSON,
    /// and a large one written by another client must not swell every answer.</summary>
    public const int MaxDataBytes = 1024;

    /// <summary>At most this many znodes, in path order (<see cref="TreeMessage.Truncated"/> says when cut).</summary>
    public const int MaxNodes = 5000;

    /// <summary>The cluster's own znodes (election, members, status, commands, history, heartbeat), nothing else of
    /// the ensemble, whatever the connect string's chroot; fault orders without their data.</summary>
    public TreeMessage GetTree()
    {
        var tree = observer.Tree;
        var nodes = tree.Nodes.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxNodes)
            .Select(kv => new TreeNodeMessage(
                kv.Key,
                kv.Value.Data.Length == 0 || IsFaultOrder(kv.Key) ? null : System.Text.Encoding.UTF8.GetString(kv.Value.Data, 0, Math.Min(kv.Value.Data.Length, MaxDataBytes)),
                kv.Value.Stat.Version,
                kv.Value.Stat.Mzxid,
                kv.Value.Stat.EphemeralOwner == 0 ? null : $"0x{kv.Value.Stat.EphemeralOwner:x}",
                kv.Value.Data.Length,
                kv.Value.Data.Length > MaxDataBytes))
            .ToList();
        return new TreeMessage(tree.Zxid, nodes, tree.Nodes.Count > MaxNodes);
    }

    // A fault order carries a proof of its target's key: served, it would let anyone guess the key offline. Its path
    // and stat still show; what became of it is in the history.
    internal static bool IsFaultOrder(string path) => path.StartsWith(ClusterNode.CommandsPath + "/", StringComparison.Ordinal) && path.Count(c => c == '/') >= 3;

    public SnapshotMessage GetSnapshot()
    {
        var snapshot = feed.Snapshot;
        return new SnapshotMessage(snapshot.Leader.ToResponse(), snapshot.ToCandidates(), snapshot.ToMembers(), snapshot.ToForeign());
    }
}
