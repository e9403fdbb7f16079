using System.Diagnostics;
using ClusterDashboard.Testing.Chaos;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>The campaign's checker finds what it is there to find: on made-up histories, each failure it guards against
/// shows up, and what the rules allow does not.</summary>
public sealed class ChaosCheckerTests
{
    private static long Ms(double ms) => (long)(ms / 1000 * Stopwatch.Frequency);

    [Fact]
    public void Two_nodes_leading_at_once_is_an_overlap_of_exactly_the_time_they_shared()
    {
        var history = new LeadershipHistory();
        history.Record("a", Ms(0), LeadershipState.Leader, 10);
        history.Record("b", Ms(900), LeadershipState.Leader, 20);
        history.Record("a", Ms(1000), LeadershipState.Suspended, null);

        var verdict = ChaosChecker.Check(history, 0, Ms(2000));

        var overlap = Assert.Single(verdict.Overlaps);
        Assert.Equal(100, overlap.Length.TotalMilliseconds, 1);
        Assert.Equal(("a", "b"), (overlap.First.Node, overlap.Second.Node));
    }

    [Fact]
    public void A_handover_that_touches_but_does_not_overlap_is_fine_and_a_paused_nodes_stale_belief_is_excused_only_while_paused()
    {
        var history = new LeadershipHistory();
        history.Record("a", Ms(0), LeadershipState.Leader, 10);
        history.Record("a", Ms(1000), LeadershipState.Lost, null);
        history.Record("b", Ms(1000), LeadershipState.Leader, 20);
        // c believes it leads from 3000 to 5000 while b leads on; c was paused until 4500: 500 ms are not excused.
        history.Record("c", Ms(3000), LeadershipState.Leader, 30);
        history.Paused("c", Ms(2500), Ms(4500));
        history.Record("c", Ms(5000), LeadershipState.Suspended, null);

        var verdict = ChaosChecker.Check(history, 0, Ms(6000));

        var overlap = Assert.Single(verdict.Overlaps);
        Assert.Equal(("b", "c"), (overlap.First.Node, overlap.Second.Node));
        Assert.Equal(500, overlap.Length.TotalMilliseconds, 1);
    }

    [Fact]
    public void A_new_leader_with_a_token_not_above_every_earlier_one_is_an_error_but_a_leader_resuming_its_own_term_is_not()
    {
        var history = new LeadershipHistory();
        history.Record("a", Ms(0), LeadershipState.Leader, 10);
        history.Record("a", Ms(100), LeadershipState.Suspended, null);
        history.Record("a", Ms(200), LeadershipState.Leader, 10); // the same term, resumed
        history.Record("a", Ms(300), LeadershipState.Lost, null);
        history.Record("b", Ms(400), LeadershipState.Leader, 5); // lower than a's: a token went backwards
        history.Record("b", Ms(500), LeadershipState.Lost, null);

        var verdict = ChaosChecker.Check(history, 0, Ms(1000));

        Assert.Empty(verdict.Overlaps);
        Assert.Equal(["b led with token 5 after a token of 10 had led"], verdict.TokenErrors);
    }

    [Fact]
    public void Availability_counts_only_the_time_a_leader_was_owed()
    {
        var history = new LeadershipHistory();
        history.Record("a", Ms(0), LeadershipState.Leader, 10);
        history.Record("a", Ms(4000), LeadershipState.Lost, null);
        history.Excuse(Ms(4000), Ms(6000)); // a fault took the leader away: 2 s to fail over are not owed
        history.Record("b", Ms(7000), LeadershipState.Leader, 20); // 1 s later than owed

        var verdict = ChaosChecker.Check(history, 0, Ms(10000));

        Assert.Equal(8, verdict.OwedTime.TotalSeconds, 3);
        Assert.Equal(7.0 / 8, verdict.Availability, 3);
        Assert.Equal(0.7, verdict.RawAvailability, 3);
        var gap = Assert.Single(verdict.Gaps); // where the availability went: the second past the excuse
        Assert.Equal((6000, 7000), (Math.Round(Stopwatch.GetElapsedTime(0, gap.Start).TotalMilliseconds), Math.Round(Stopwatch.GetElapsedTime(0, gap.End).TotalMilliseconds)));
    }
}
