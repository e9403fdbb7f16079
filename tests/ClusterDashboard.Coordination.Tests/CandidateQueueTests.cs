using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>Which children of the election parent count as candidates: the rule the participants and the views share.
/// The children here are made up the way ZooKeeper makes them (numbers from the parent's create count, czxids rising),
/// and the forgeries the way anyone with write access can (any name, made at any moment);
/// <see cref="ForgedCandidateTests"/> meets the same rule on a real server.</summary>
public sealed class CandidateQueueTests
{
    // A sequential child as ZooKeeper creates it: its number is the count of creates before it.
    private static ElectionChild Real(long number, long czxid, long owner = 0x51) => new($"_c_{number:x}-n_{number:D10}", czxid, owner);

    [Fact]
    public void Children_queue_in_creation_order_which_for_numbers_zookeeper_gave_is_number_order_whatever_their_prefix()
    {
        var queue = CandidateQueue.Build([Real(4, 140), new ElectionChild("zzz-0000000002", 120, 0x52), Real(7, 170)]);

        Assert.Equal([2L, 4L, 7L], queue.Candidates.Select(c => c.Sequence));
        Assert.Empty(queue.Foreign);
        Assert.Equal(0, queue.IndexOf("zzz-0000000002"));
        Assert.Equal(-1, queue.IndexOf("nothing"));
    }

    [Fact]
    public void A_plain_znode_named_below_the_candidates_but_made_after_them_queues_behind_them()
    {
        // The forgery of the review: a plain ephemeral "_a-n_0000000000" created while real candidates queue. Its name
        // says it comes first; its creation says it joined last, and that is where it queues.
        var forged = new ElectionChild("_a-n_0000000000", 300, 0x99);

        var queue = CandidateQueue.Build([forged, Real(5, 150), Real(6, 160)]);

        Assert.Equal(["_c_5-n_0000000005", "_c_6-n_0000000006", forged.Name], queue.Candidates.Select(c => c.Name));
        Assert.Empty(queue.Foreign);
    }

    [Fact]
    public void A_persistent_child_or_one_without_a_number_is_foreign_and_one_numbered_ahead_of_the_count_queues_where_it_was_made()
    {
        var persistent = new ElectionChild("_c_x-n_0000000001", 110, EphemeralOwner: 0);
        var unnumbered = new ElectionChild("leader", 120, 0x77);
        var ahead = new ElectionChild("_c_y-n_0000000042", 130, 0x78);

        var queue = CandidateQueue.Build([persistent, unnumbered, ahead, Real(3, 140)]);

        Assert.Equal([ahead.Name, "_c_3-n_0000000003"], queue.Candidates.Select(c => c.Name));
        Assert.Equal(2, queue.Foreign.Count);
        Assert.Contains("not ephemeral", queue.Foreign.Single(f => f.Name == persistent.Name).Reason, StringComparison.Ordinal);
        Assert.Contains("no sequence number", queue.Foreign.Single(f => f.Name == unnumbered.Name).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_znode_named_ahead_of_the_count_keeps_its_place_as_real_candidates_catch_up_with_its_number()
    {
        // 7 creates so far; a plain ephemeral named 9 is the 8th. Two real joins follow and are numbered 8 and 9: the
        // forgery's number now exists, but it is still behind 6 and ahead of 8, where it was made. (The rule before
        // this one took it for foreign until its number fitted, then moved it ahead of the candidates made after it,
        // and the leader's epoch went back.)
        var forged = new ElectionChild("_a-n_0000000009", 300, 0x99);
        ElectionChild[] real = [Real(5, 150), Real(6, 160), Real(8, 310), Real(9, 320)];

        var before = CandidateQueue.Build([real[0], real[1], forged]);
        var after = CandidateQueue.Build([.. real, forged]);
        var failedOver = CandidateQueue.Build([real[3], forged, real[2]]);

        Assert.Equal([150L, 160L, 300L], before.Candidates.Select(c => c.Czxid));
        Assert.Equal([150L, 160L, 300L, 310L, 320L], after.Candidates.Select(c => c.Czxid));
        Assert.Equal(forged.Name, failedOver.Candidates[0].Name);
    }

    [Fact]
    public void Through_any_history_of_joins_forgeries_and_leaves_the_leaders_epoch_only_goes_up_and_participants_agree_with_the_view()
    {
        // Real joins numbered from the create count, forgeries named anything (below, at or far above the count, with
        // or without a number, persistent or not), several made in one multi (one czxid, one session), leaves of the
        // leader and of anyone. Every new leader's epoch is above the last, but for the next child of the same multi,
        // which shares it; and a participant that knows only the children up to some moment (CandidateStatCache:
        // later ones are only counted) queues them as the view does.
        var random = new Random(20261203);
        for (var run = 0; run < 300; run++)
        {
            var children = new List<ElectionChild>();
            long creates = 0, zxid = 100;
            (string Name, long Epoch, long Owner)? last = null;
            for (var step = 0; step < 60; step++)
            {
                var roll = random.Next(12);
                if (children.Count > 0 && roll < 2)
                {
                    children.RemoveAt(0); // whoever was made first: often the leader
                }
                else if (children.Count > 0 && roll < 4)
                {
                    children.RemoveAt(random.Next(children.Count));
                }
                else if (roll < 8)
                {
                    children.Add(Real(creates, zxid += random.Next(1, 5), owner: 0x1000 + creates));
                    creates++;
                }
                else
                {
                    // One create, or a multi of a few: one transaction, one czxid, one session.
                    zxid += random.Next(1, 5);
                    var owner = random.Next(5) == 0 ? 0 : 0x90000 + step;
                    for (var i = roll == 11 ? random.Next(2, 4) : 1; i > 0; i--)
                    {
                        var number = random.Next(0, (int)creates + 20);
                        var name = random.Next(4) == 0 ? $"forged-{step}-{i}" : $"_a{step}{i}-n_{number:D10}";
                        children.Add(new ElectionChild(name, zxid, owner));
                        creates++;
                    }
                }

                var queue = CandidateQueue.Build(children.OrderBy(_ => random.Next()).ToList());
                if (queue.Candidates is [var leader, ..] && leader.Name != last?.Name)
                {
                    var owner = children.Single(c => c.Name == leader.Name).EphemeralOwner;
                    Assert.True(
                        last is not { } l || leader.Czxid > l.Epoch || (leader.Czxid == l.Epoch && owner == l.Owner),
                        $"run {run}, step {step}: {leader.Name} leads with epoch {leader.Czxid} after {last}");
                    last = (leader.Name, leader.Czxid, owner);
                }

                // What a participant knows: every child made up to a moment between two transactions.
                var byAge = children.OrderBy(c => c.Czxid).ToList();
                var cut = random.Next(byAge.Count + 1);
                while (cut > 0 && cut < byAge.Count && byAge[cut - 1].Czxid == byAge[cut].Czxid)
                {
                    cut--;
                }

                var known = CandidateQueue.Build(byAge.Take(cut).OrderBy(_ => random.Next()).ToList());
                var knownNames = byAge.Take(cut).Select(c => c.Name).ToHashSet();
                Assert.Equal(queue.Candidates.Where(c => knownNames.Contains(c.Name)), known.Candidates);
                Assert.Equal(known.Candidates, queue.Candidates.Take(known.Candidates.Count));
            }
        }
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
        var queue = CandidateQueue.Build([Real(4, 140), Real(2, 120)]);

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
            var queue = CandidateQueue.Build(shuffled);

            Assert.Empty(queue.Foreign);
            Assert.Equal(children.Select(c => c.Name), queue.Candidates.Select(c => c.Name));
        }
    }
}
