using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// Which children of the election parent are candidates, in queue order. The queue is the order of creation: the
/// zxid of each child's create (czxid), which the server assigns and no client can choose. For children ZooKeeper
/// numbered that is their number order, the recipe's "lowest sequence leads", since the parent's counter rises with
/// every create. A name is only a name: a client that creates a plain ephemeral named to sort first, or numbered above
/// the counter, queues where it was made, as a candidate that joined then, never ahead of one made before it. So the
/// head of the queue is always its oldest child, and a child that was not the head while an older one queued can
/// never become it later: the leader's epoch (its czxid) only goes up. A child that is not ephemeral (it would outlive
/// every session) or whose name carries no sequence number is foreign: shown but never queued, so it can neither lead
/// nor be watched, whatever happens around it. Both are facts of the child itself that never change. The
/// participants and the views decide with this one rule, so a node never believes it leads while the views name
/// another.
/// <para>Children made in one transaction (a multi of several creates, which no participant sends) share a czxid; they
/// queue by number, and the second then leads with the same epoch as the first, for the same session.</para>
/// </summary>
public sealed class CandidateQueue
{
    private CandidateQueue(IReadOnlyList<QueuedCandidate> candidates, IReadOnlyList<ForeignZnode> foreign)
    {
        Candidates = candidates;
        Foreign = foreign;
    }

    /// <summary>The candidates, oldest (the leader) first.</summary>
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

    /// <param name="children">Children of the parent, read at one point of the server's history. Children listed
    /// later, whose stats are not read yet, were made after all of these: they queue behind them and change nothing
    /// here.</param>
    public static CandidateQueue Build(IEnumerable<ElectionChild> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        var foreign = new List<ForeignZnode>();
        var queued = new List<QueuedCandidate>();
        foreach (var child in children)
        {
            if (SequenceNumber.Parse(child.Name) is not { } sequence)
            {
                foreign.Add(new ForeignZnode(child.Name, "its name ends in no sequence number"));
            }
            else if (child.EphemeralOwner == 0)
            {
                foreign.Add(new ForeignZnode(child.Name, "it is not ephemeral, so it outlives any session"));
            }
            else
            {
                queued.Add(new QueuedCandidate(child.Name, sequence, child.Czxid));
            }
        }

        queued.Sort((a, b) => a.Czxid != b.Czxid ? a.Czxid.CompareTo(b.Czxid)
            : a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence)
            : string.CompareOrdinal(a.Name, b.Name));
        return new CandidateQueue(queued, foreign);
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
