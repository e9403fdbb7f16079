using System.Globalization;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Cluster;

/// <summary>What an event of the page's log is about, to filter by.</summary>
public enum EventTopic
{
    Leader,
    Faults,
    Queue,
    Members,

    /// <summary>Routine bookkeeping: status and member records rewritten, session markers, sightings. Folded by default.</summary>
    Routine,
}

/// <param name="Strong">Worth the eye first: a leader change, a fault carried out.</param>
public sealed record EventLine(DateTimeOffset At, EventTopic Topic, string Text, bool Strong = false);

/// <summary>
/// Tells each event of the feed as a sentence a person reads ("crash injected on node-3 for 10 s by node-1") rather
/// than the znode that changed. Records under /history are read from the tree they came with; anything that does not
/// parse (another client may write there) is told as the znode change it is.
/// </summary>
public static class EventStory
{
    /// <param name="paths">The node's own options: where its election, sessions and members are.</param>
    public static EventLine? Of(ClusterEvent e, TreeSnapshot tree, ClusterNodeOptions paths)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(paths);
        return e switch
        {
            LeaderChangedEvent { Current: null } l => new(e.At, EventTopic.Leader, $"no leader: no candidate is left{(l.Previous is null ? string.Empty : $" (was {l.Previous.NodeId})")}", Strong: true),
            LeaderChangedEvent l => new(e.At, EventTopic.Leader, $"{l.Current!.NodeId} leads now (epoch {l.Current.Epoch}, candidate #{l.Current.Sequence}){(l.Previous is null ? string.Empty : $", after {l.Previous.NodeId}")}", Strong: true),
            LocalStateEvent s => new(e.At, EventTopic.Leader, $"this node ({s.NodeId}) is now {NodeStates.Of(s.Change.State).Name()}" + (s.Change.Epoch is { } epoch ? $" (epoch {epoch})" : string.Empty)),
            ZnodeEvent z => Of(z.Change, tree, paths),
            _ => null,
        };
    }

    private static EventLine Of(ZnodeChange change, TreeSnapshot tree, ClusterNodeOptions paths)
    {
        var path = change.Path;
        var name = ZooKeeperPath.Name(path);
        var parent = path == "/" ? string.Empty : ZooKeeperPath.Parent(path);
        var kind = change.Kind;
        EventLine Line(EventTopic topic, string text, bool strong = false) => new(change.At, topic, text, strong);

        if (parent == ClusterNode.HistoryPath && kind == ZnodeChangeKind.Created && tree.Nodes.TryGetValue(path, out var node) && HistoryRecord.TryParse(node.Data) is { } record)
        {
            return record switch
            {
                { Type: HistoryRecordType.Fault, FaultKind: null } => Line(EventTopic.Faults, $"{record.NodeId} told to recover{By(record)}"),
                { Type: HistoryRecordType.Fault, Refusal: not null } => Line(EventTopic.Faults, $"{record.FaultKind!.Value.Name()} of {record.NodeId} refused: {record.Reason}"),
                { Type: HistoryRecordType.Fault } => Line(EventTopic.Faults, $"{record.FaultKind!.Value.Name()} injected on {record.NodeId}{For(record)}{By(record)}", strong: true),
                { Type: HistoryRecordType.Leader } => Line(EventTopic.Routine, $"{record.NodeId} recorded that it leads (epoch {record.Epoch})"),
                _ => Line(EventTopic.Routine, $"{record.NodeId} saw the leader of epoch {record.Epoch}"),
            };
        }

        if (parent == paths.ElectionPath)
        {
            var sequence = SequenceNumber.Parse(name) is { } s ? $"#{s.ToString(CultureInfo.InvariantCulture)}" : name;
            var owner = tree.Nodes.TryGetValue(path, out var candidate) && CandidatePayload.TryParse(candidate.Data) is { } payload ? payload.NodeId : null;
            return kind switch
            {
                ZnodeChangeKind.Created => Line(EventTopic.Queue, owner is null ? $"candidate {sequence} joined the election queue" : $"{owner} joined the election queue as candidate {sequence}"),
                ZnodeChangeKind.Deleted => Line(EventTopic.Queue, $"candidate {sequence} left the election queue"),
                _ => Line(EventTopic.Routine, $"candidate {sequence} rewrote its data"),
            };
        }

        if (path.StartsWith(ClusterNode.CommandsPath + "/", StringComparison.Ordinal))
        {
            // /commands/<target> holds the orders for one node, /commands/<target>/cmd-N is one order.
            var parts = path[(ClusterNode.CommandsPath.Length + 1)..].Split('/');
            return parts.Length == 1 || kind != ZnodeChangeKind.Created
                ? Line(EventTopic.Routine, parts.Length == 1 ? $"fault orders for {parts[0]} {Verb(kind)}" : $"{parts[0]} took its fault order")
                : Line(EventTopic.Faults, $"a fault order for {parts[0]} was written");
        }

        if (parent == paths.MembersPath)
        {
            return kind switch
            {
                ZnodeChangeKind.Created => Line(EventTopic.Members, $"{name} registered as a member"),
                ZnodeChangeKind.Deleted => Line(EventTopic.Members, $"{name} is no longer a member (its session ended)"),
                _ => Line(EventTopic.Routine, $"{name} updated its member record"),
            };
        }

        if (parent == ClusterNode.StatusPath)
        {
            return kind switch
            {
                ZnodeChangeKind.Created => Line(EventTopic.Members, $"{name} published its status"),
                ZnodeChangeKind.Deleted => Line(EventTopic.Members, $"{name}'s status is gone: the node is down or stopped"),
                _ => Line(EventTopic.Routine, $"{name} updated its status"),
            };
        }

        if (parent == paths.ElectionSessionsPath)
        {
            return Line(EventTopic.Routine, $"session marker {name} {Verb(kind)}");
        }

        return Line(EventTopic.Routine, $"{Verb(kind)} {path}");
    }

    private static string For(HistoryRecord record) =>
        record.FaultKind is { } k && k.HasDuration() && record.DurationSeconds is { } d ? $" for {d} s" : string.Empty;

    private static string By(HistoryRecord record) => record.IssuedBy is { } by ? $" by {by}" : string.Empty;

    private static string Verb(ZnodeChangeKind kind) => kind switch
    {
        ZnodeChangeKind.Created => "created",
        ZnodeChangeKind.Deleted => "deleted",
        _ => "changed",
    };
}
