using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// Which children of the election parent are real candidates, in queue order. ZooKeeper numbers a sequential child
/// with the parent's count of child creates at that moment, so real candidates' numbers rise with their creation
/// (czxid), and a child numbered n leaves room after it for every child created since: n + 1 + (children created
/// after it) is at most the creates made so far. A child that is not ephemeral, has no number, claims a number the
/// creates since do not leave room for, or is numbered below a candidate created before it was not numbered by
/// ZooKeeper: it is foreign, shown but never queued, so it can neither lead nor be watched. The participants and
/// the views decide with this one rule, so a node never believes it leads while the views name another.
/// <para>Of two children out of order the older is kept: a forgery then counts at most as a candidate that joined
/// when it was made, never ahead of one already queued. A later create can still make an older forgery fit and
/// unseat a younger candidate; the leader watches the queue, so it finds out with that very change.</para>
/// </summary>
public sealed class CandidateQueue
{
    private CandidateQueue(IReadOnlyList<QueuedCandidate> candidates, IReadOnlyList<ForeignZnode> foreign)
    {
        Candidates = candidates;
        Foreign = foreign;
    }

    /// <summary>The real candidates, lowest sequence (the leader) first.</summary>
    public IReadOnlyList<QueuedCandidate> Candidates { get; }

    public IReadOnlyList<ForeignZnode> Foreign { get; }

    /// <summary>How many children the parent has ever had created, from its stat: cversion counts creates and
    /// deletes, and creates minus deletes is the number of children left. The cversion is a signed 32-bit counter read
    /// as unsigned, so the count stays right past 2^31 creates and deletes (to 2^32).</summary>
    public static long CreatesOf(Stat parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return ((long)(uint)parent.Cversion + parent.NumChildren) / 2;
    }

    /// <param name="children">Children of the parent, read at one point of the server's history.</param>
    /// <param name="creates">The parent's create count (<see cref="CreatesOf"/>) read no earlier than the children.</param>
    /// <param name="newerUnread">Further children, known only to be younger than every one in
    /// <paramref name="children"/>: they are not judged, only counted as created after them.</param>
    public static CandidateQueue Build(IEnumerable<ElectionChild> children, long creates, int newerUnread = 0)
    {
        ArgumentNullException.ThrowIfNull(children);
        var all = children.ToList();
        var czxids = all.Select(c => c.Czxid).Order().ToArray();
        var foreign = new List<ForeignZnode>();
        var numbered = new List<(ElectionChild Child, long Sequence)>();
        foreach (var child in all)
        {
            var younger = newerUnread + czxids.Length - UpperBound(czxids, child.Czxid);
            if (SequenceNumber.Parse(child.Name) is not { } sequence)
            {
                foreign.Add(new ForeignZnode(child.Name, "its name ends in no sequence number"));
            }
            else if (child.EphemeralOwner == 0)
            {
                foreign.Add(new ForeignZnode(child.Name, "it is not ephemeral, so it outlives any session"));
            }
            else if (sequence + 1 + younger > creates)
            {
                foreign.Add(new ForeignZnode(child.Name, $"its number {sequence} is higher than ZooKeeper could have given it: {creates} children were ever created, {younger} of them after it"));
            }
            else
            {
                numbered.Add((child, sequence));
            }
        }

        // Oldest first: a child numbered at or below one created before it cannot have had its number from ZooKeeper.
        var candidates = new List<QueuedCandidate>(numbered.Count);
        var highest = -1L;
        foreach (var (child, sequence) in numbered.OrderBy(n => n.Child.Czxid).ThenBy(n => n.Sequence))
        {
            if (sequence > highest)
            {
                candidates.Add(new QueuedCandidate(child.Name, sequence, child.Czxid));
                highest = sequence;
            }
            else
            {
                foreign.Add(new ForeignZnode(child.Name, $"it is numbered {sequence} but was created after candidate #{highest}"));
            }
        }

        // Created in rising order with rising numbers: the list is in queue order already.
        return new CandidateQueue(candidates, foreign);
    }

    // How many of the sorted czxids are at most czxid.
    private static int UpperBound(long[] sorted, long czxid)
    {
        var index = Array.BinarySearch(sorted, czxid);
        if (index < 0)
        {
            return ~index;
        }

        while (index < sorted.Length && sorted[index] == czxid)
        {
            index++;
        }

        return index;
    }

    /// <summary>The position of <paramref name="name"/> in the queue (0 leads), or -1 if it is not a candidate.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Candidates.Count; i++)
        {
            if (Candidates[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
