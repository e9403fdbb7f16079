namespace ClusterDashboard.Coordination.Tests;

/// <summary>When a node may answer from its view: the rule every read of the API applies.</summary>
public sealed class ViewFreshnessRulesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2.5);

    private static ViewFreshness View(bool synced, double lastContactMs, double? unsyncedMs, bool loaded = true) =>
        new(42, loaded, synced, TimeSpan.FromMilliseconds(lastContactMs), unsyncedMs is { } u ? TimeSpan.FromMilliseconds(u) : null, Bound);

    [Fact]
    public void A_synced_view_answered_within_its_ping_interval_is_live_and_one_unanswered_past_it_is_not()
    {
        Assert.True(View(synced: true, lastContactMs: 1800, unsyncedMs: 0).Live);
        Assert.False(View(synced: true, lastContactMs: 2600, unsyncedMs: 0).Live); // a half-open connection
    }

    [Fact]
    public void A_new_connection_answered_a_moment_ago_does_not_make_a_view_out_of_sync_for_long_live_again()
    {
        // After a reconnect (or a new session) the server has just answered, but the view has not caught up yet.
        Assert.False(View(synced: false, lastContactMs: 5, unsyncedMs: 6000).Live);
        Assert.Contains("out of sync for 6000 ms", View(synced: false, lastContactMs: 5, unsyncedMs: 6000).StaleReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_whose_connection_went_silent_is_not_made_live_again_by_the_grace_when_the_silence_is_noticed()
    {
        // The servers stopped answering 5 s ago (past the bound: 503); the client's read timed out just now, so the view
        // is out of sync for 100 ms. It was in doubt long before, and stays so.
        Assert.False(View(synced: false, lastContactMs: 5000, unsyncedMs: 100).Live);
        Assert.NotNull(View(synced: false, lastContactMs: 5000, unsyncedMs: 100).StaleReason);
    }

    [Fact]
    public void A_synced_answered_view_still_working_through_changes_announced_longer_ago_than_the_bound_is_not_live()
    {
        var trailing = View(synced: true, lastContactMs: 10, unsyncedMs: 0) with { Behind = TimeSpan.FromSeconds(3), Unapplied = 2400 };

        Assert.False(trailing.Live);
        Assert.Contains("catching up: 2400 change(s)", trailing.StaleReason, StringComparison.Ordinal);
        Assert.True((trailing with { Behind = TimeSpan.FromSeconds(2), Unapplied = 12 }).Live); // a burst it keeps up with
    }

    [Fact]
    public void A_view_out_of_sync_for_less_than_the_grace_is_live_and_one_never_loaded_never_is()
    {
        Assert.True(View(synced: false, lastContactMs: 700, unsyncedMs: 700).Live);
        Assert.False(View(synced: true, lastContactMs: 0, unsyncedMs: 0, loaded: false).Live);
        Assert.False(ViewFreshness.None.Live);
    }
}
