namespace ClusterDashboard.Coordination;

/// <summary>How serious a split between belief and truth is.</summary>
public enum DisagreementSeverity
{
    /// <summary>Expected for a moment around every handover (a successor not yet told, say); worth a look if it lasts.</summary>
    Warning,

    /// <summary>A node acts as leader while ZooKeeper says another leads (or two do): what fencing exists for.</summary>
    Danger,
}

/// <summary>One split between what nodes believe and what ZooKeeper says.</summary>
/// <param name="Key">Stable while the same split lasts, so its duration can be followed.</param>
/// <param name="Nodes">The nodes concerned.</param>
/// <param name="Sentence">The split, explained.</param>
public sealed record Disagreement(string Key, DisagreementSeverity Severity, IReadOnlyList<string> Nodes, string Sentence);

/// <summary>Compares each node's published belief with ZooKeeper's queue: the oldest candidate leads, and only
/// the node that owns it should believe it does.</summary>
public static class BeliefCheck
{
    public static IReadOnlyList<Disagreement> Of(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var found = new List<Disagreement>();
        var believers = snapshot.Beliefs.Where(b => b.Believes == NodeState.Leader).ToList();
        var truth = snapshot.Leader;
        var head = snapshot.Candidates.Count > 0 ? snapshot.Candidates[0] : null;
        var owner = head is null ? null : $"0x{head.Owner:x}";
        if (believers.Count > 1)
        {
            var names = believers.Select(b => b.NodeId).ToList();
            found.Add(new Disagreement(
                "two-leaders:" + string.Join(',', names),
                DisagreementSeverity.Danger,
                names,
                $"{Join(names)} all believe they lead (epochs {string.Join(", ", believers.Select(b => b.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"))}); ZooKeeper's oldest candidate is {(truth is null ? "nobody's" : $"{truth.NodeId}'s (#{truth.Sequence}, session {owner})")}. Only a write fenced with the higher epoch can still succeed."));
        }

        foreach (var believer in believers.Where(b => b.NodeId != truth?.NodeId))
        {
            found.Add(new Disagreement(
                "believes-leads:" + believer.NodeId,
                DisagreementSeverity.Danger,
                [believer.NodeId],
                truth is null
                    ? $"{believer.NodeId} believes it leads (epoch {believer.Epoch}), but ZooKeeper has no candidate left: its session or its candidate is gone."
                    : $"{believer.NodeId} believes it leads (epoch {believer.Epoch}), but ZooKeeper's oldest candidate is {truth.NodeId}'s (#{truth.Sequence}, epoch {truth.Epoch}, session {owner}); its fenced writes fail."));
        }

        // The right node in the wrong term: it left and joined again (a resign, a new session), and still acts on the
        // old term while its new candidate heads the queue. By name it agrees; by epoch it does not.
        foreach (var believer in believers.Where(b => truth is not null && b.NodeId == truth.NodeId && b.Epoch is { } epoch && epoch != truth.Epoch))
        {
            found.Add(new Disagreement(
                "old-term:" + believer.NodeId,
                DisagreementSeverity.Danger,
                [believer.NodeId],
                $"{believer.NodeId} believes it leads in epoch {believer.Epoch}, but ZooKeeper's oldest candidate is its newer one (#{truth!.Sequence}, epoch {truth.Epoch}, session {owner}): it acts on a term that ended, and its fenced writes fail."));
        }

        if (truth is not null && snapshot.Beliefs.FirstOrDefault(b => b.NodeId == truth.NodeId) is { } headBelief && headBelief.Believes != NodeState.Leader)
        {
            found.Add(new Disagreement(
                "head-does-not-lead:" + truth.NodeId,
                DisagreementSeverity.Warning,
                [truth.NodeId],
                $"ZooKeeper's oldest candidate is {truth.NodeId}'s (#{truth.Sequence}, session {owner}), but {truth.NodeId} believes it is {headBelief.Believes.Name()}: nobody acts as leader until it finds out."));
        }

        return found;
    }

    private static string Join(List<string> names) =>
        names.Count <= 2 ? string.Join(" and ", names) : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
}
