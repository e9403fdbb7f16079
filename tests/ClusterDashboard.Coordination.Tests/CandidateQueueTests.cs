using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>Which children of the election parent count as candidates: the rule the participants and the views share.
/// The children here are made up the way ZooKeeper makes them (numbers from the parent's create count, czxids rising);
/// <see cref="ForgedCandidateTests"/> meets the same rule on a real server.</summary>
public sealed class CandidateQueueTests
{
    // A sequential child as ZooKeeper creates it: its number is the count of creates before it.
    private static ElectionChild Real(long number, long czxid, long owner = 0x51) => new($"_c_{number:x}-n_{number:D10}", czxid, owner);

    [Fact]
    public void Children_numbered_by_zookeeper_queue_lowest_number_first_whatever_their_prefix()
    {
        var queue = CandidateQueue.Build([Real(4, 140), new ElectionChild("zzz-0000000002", 120, 0x52), Real(7, 170)], creates: 8);

        Assert.Equal([2L, 4L, 7L], queue.Candidates.Select(c => c.Sequence));
        Assert.Empty(queue.Foreign);
        Assert.Equal(0, queue.IndexOf("zzz-0000000002"));
        Assert.Equal(-1, queue.IndexOf("nothing"));
    }

    [Fact]
    public void A_plain_znode_named_below_the_candidates_but_made_after_them_is_foreign_and_never_leads()
    {
        // The forgery of the review: a plain ephemeral "_a-n_0000000000" created while real candidates queue.
        var forged = new ElectionChild("_a-n_0000000000", 300, 0x99);

        var queue = CandidateQueue.Build([Real(5, 150), Real(6, 160), forged], creates: 8);

        Assert.Equal([5L, 6L], queue.Candidates.Select(c => c.Sequence));
        var foreign = Assert.Single(queue.Foreign);
        Assert.Equal(forged.Name, foreign.Name);
        Assert.Contains("numbered 0 but was created after candidate #6", foreign.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_persistent_child_or_one_without_a_number_or_with_a_number_not_handed_out_is_foreign()
    {
        var persistent = new ElectionChild("_c_x-n_0000000001", 110, EphemeralOwner: 0);
        var unnumbered = new ElectionChild("leader", 120, 0x77);
        var ahead = new ElectionChild("_c_y-n_0000000042", 130, 0x78);

        var queue = CandidateQueue.Build([persistent, unnumbered, ahead, Real(3, 140)], creates: 5);

        Assert.Equal([3L], queue.Candidates.Select(c => c.Sequence));
        Assert.Contains("not ephemeral", queue.Foreign.Single(f => f.Name == persistent.Name).Reason, StringComparison.Ordinal);
        Assert.Contains("no sequence number", queue.Foreign.Single(f => f.Name == unnumbered.Name).Reason, StringComparison.Ordinal);
        Assert.Contains("higher than ZooKeeper could have given it", queue.Foreign.Single(f => f.Name == ahead.Name).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_znode_named_ahead_of_the_count_stays_foreign_as_real_candidates_catch_up_with_its_number()
    {
        // 7 creates so far; a plain ephemeral named 9 is the 8th. Two real joins follow and are numbered 8 and 9: the
        // forgery's number now exists, but not for a znode older than both.
        var forged = new ElectionChild("_a-n_0000000009", 300, 0x99);
        ElectionChild[] real = [Real(5, 150), Real(6, 160), Real(8, 310), Real(9, 320)];

        var before = CandidateQueue.Build([real[0], real[1], forged], creates: 8);
        var after = CandidateQueue.Build([.. real, forged], creates: 10);

        Assert.Equal([5L, 6L], before.Candidates.Select(c => c.Sequence));
        Assert.Equal([5L, 6L, 8L, 9L], after.Candidates.Select(c => c.Sequence));
        Assert.Contains("10 children were ever created, 2 of them after it", Assert.Single(after.Foreign).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Children_known_only_to_be_younger_count_against_the_numbers_of_those_judged()
    {
        // A participant judges the children it knows and only counts the ones listed since: 3 of them younger than
        // every known one leave no room for a number 9 among 10 creates.
        var queue = CandidateQueue.Build([Real(5, 150), new ElectionChild("_a-n_0000000009", 200, 0x99)], creates: 10, newerUnread: 3);

        Assert.Equal([5L], queue.Candidates.Select(c => c.Sequence));
    }

    [Fact]
    public void Of_two_children_out_of_order_the_older_stays_so_a_later_forgery_cannot_unseat_a_candidate()
    {
        // Whichever of the two was forged, keeping the older one means a forgery acts at most like a candidate that
        // joined when it was made: it cannot jump ahead of anyone already queued.
        var queue = CandidateQueue.Build([Real(9, 190), new ElectionChild("_a-n_0000000003", 200, 0x99)], creates: 12);

        Assert.Equal([9L], queue.Candidates.Select(c => c.Sequence));
        Assert.Equal("_a-n_0000000003", Assert.Single(queue.Foreign).Name);
    }

    [Fact]
    public void The_create_count_is_read_off_the_parents_cversion_and_child_count()
    {
        // 7 creates and 4 deletes: cversion 11, 3 children left, the next number handed out is 7.
        var parent = new Stat(1, 1, 0, 0, 0, Cversion: 11, 0, 0, 0, NumChildren: 3, 0);

        Assert.Equal(7, CandidateQueue.CreatesOf(parent));
    }

    [Fact]
    public void A_cversion_past_two_to_the_31_counts_on_instead_of_going_negative()
    {
        // 1.5 billion creates and as many deletes, less the 3 children left: cversion has wrapped to a negative int.
        var cversion = unchecked((int)(3_000_000_000L - 3));
        var parent = new Stat(1, 1, 0, 0, 0, Cversion: cversion, 0, 0, 0, NumChildren: 3, 0);

        Assert.True(cversion < 0);
        Assert.Equal(1_500_000_000, CandidateQueue.CreatesOf(parent));
    }

    [Fact]
    public void The_queue_carries_each_candidates_creation_zxid_as_its_token()
    {
        var queue = CandidateQueue.Build([Real(4, 140), Real(2, 120)], creates: 5);

        Assert.Equal([120L, 140L], queue.Candidates.Select(c => c.Czxid));
    }

    [Fact]
    public void Any_history_of_real_joins_and_leaves_keeps_every_child_a_candidate_in_number_order()
    {
        var random = new Random(20261201);
        for (var run = 0; run < 200; run++)
        {
            var children = new List<ElectionChild>();
            long creates = 0, zxid = 100;
            for (var step = 0; step < 40; step++)
            {
                if (children.Count > 0 && random.Next(3) == 0)
                {
                    children.RemoveAt(random.Next(children.Count));
                }
                else
                {
                    children.Add(Real(creates++, zxid += random.Next(1, 5)));
                }
            }

            var shuffled = children.OrderBy(_ => random.Next()).ToList();
            var queue = CandidateQueue.Build(shuffled, creates);

            Assert.Empty(queue.Foreign);
            Assert.Equal(children.Select(c => c.Name), queue.Candidates.Select(c => c.Name));
        }
    }
}
