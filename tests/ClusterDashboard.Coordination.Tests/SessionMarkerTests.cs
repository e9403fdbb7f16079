using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>How a new leader reads another session's marker: only the session's own marker counts, and "held" means
/// it may still lead only with a candidate that could be ahead of ours.</summary>
public sealed class SessionMarkerTests
{
    private const long Session = 0x1000_0d9f_66e0_0003;
    private static readonly string Path = SessionMarker.PathOf("/election-sessions", Session);

    private static NodeData Marker(string state, long mzxid, long owner = Session) =>
        new(SessionMarker.Data(state), new Stat(Czxid: 5, mzxid, 0, 0, 0, 0, 0, owner, 4, 0, 5));

    [Fact]
    public void A_marker_is_named_by_its_sessions_id_in_hex()
    {
        Assert.Equal("/election-sessions/10000d9f66e00003", Path);
    }

    [Fact]
    public void A_session_may_still_hold_a_candidate_until_its_marker_is_written_after_it_or_gone()
    {
        Assert.True(SessionMarker.MayStillHold(Marker(SessionMarker.Held, mzxid: 40), Session, czxid: 40));
        Assert.False(SessionMarker.MayStillHold(Marker(SessionMarker.Released, mzxid: 41), Session, czxid: 40));
        Assert.False(SessionMarker.MayStillHold(Marker(SessionMarker.Held, mzxid: 60), Session, czxid: 40)); // a newer candidate: it let go of that one
        Assert.False(SessionMarker.MayStillHold(new ErrorReadResult { Error = ZooKeeperErrorCode.NoNode }, Session, czxid: 40)); // its session ended
        Assert.False(SessionMarker.MayStillHold(new ErrorReadResult { Error = ZooKeeperErrorCode.NoAuth }, Session, czxid: 40)); // unreadable: no word of its own
    }

    [Fact]
    public void A_marker_that_is_not_the_sessions_own_ephemeral_does_not_count_as_its_word()
    {
        Assert.False(SessionMarker.MayStillHold(Marker(SessionMarker.Held, mzxid: 40, owner: 0), Session, czxid: 40));
        Assert.False(SessionMarker.HoldsAGoneCandidate(Path, Marker(SessionMarker.Held, mzxid: 40, owner: 0), new HashSet<long>(), before: 100));
        Assert.False(SessionMarker.HoldsAGoneCandidate("/election-sessions/not-hex", Marker(SessionMarker.Held, mzxid: 40), new HashSet<long>(), before: 100));
        Assert.False(SessionMarker.HoldsAGoneCandidate(SessionMarker.PathOf("/election-sessions", Session + 1), Marker(SessionMarker.Held, mzxid: 40), new HashSet<long>(), before: 100));
    }

    [Fact]
    public void On_a_first_look_only_a_held_candidate_made_before_ours_and_no_longer_listed_is_a_gone_one()
    {
        var listed = new HashSet<long> { 40, 50 };

        Assert.True(SessionMarker.HoldsAGoneCandidate(Path, Marker(SessionMarker.Held, mzxid: 30), listed, before: 50)); // made before ours, not listed: gone
        Assert.False(SessionMarker.HoldsAGoneCandidate(Path, Marker(SessionMarker.Held, mzxid: 40), listed, before: 50)); // still in the queue
        Assert.False(SessionMarker.HoldsAGoneCandidate(Path, Marker(SessionMarker.Held, mzxid: 70), listed, before: 50)); // made after ours: behind it, listed or not
        Assert.False(SessionMarker.HoldsAGoneCandidate(Path, Marker(SessionMarker.Released, mzxid: 30), listed, before: 50));
    }

    [Fact]
    public void Only_sixteen_hex_digits_can_name_a_session()
    {
        Assert.True(SessionMarker.IsSessionName("10000d9f66e00003"));
        Assert.False(SessionMarker.IsSessionName("10000d9f66e0003"));
        Assert.False(SessionMarker.IsSessionName("zz000d9f66e00003"));
        Assert.False(SessionMarker.IsSessionName("junk"));
    }
}
