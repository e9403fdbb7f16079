using System.Globalization;
using System.Text;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// How a new leader knows that no older candidate's session still believes it leads. A candidate deleted by someone
/// else while its session lives is noticed by that session only when its own server delivers the notification, and a
/// successor on another server may read the deletion first. So every participant session keeps one ephemeral marker
/// (named by its session id, beside the election parent) that it writes in the same multi as each candidate it
/// creates ("held", so the marker's mzxid is the candidate's czxid), and again once it has stopped leading with that
/// candidate ("released"). A session whose marker was written after a candidate was created has let go of it; a
/// session whose marker is gone has ended. A new leader waits until every session that was ahead of it has done one
/// or the other: never long, one notification and one write for a deletion from outside, a session timeout for a
/// session that cannot answer, whose lease ends it first.
/// </summary>
internal static class SessionMarker
{
    public const string Held = "held";
    public const string Released = "released";

    /// <summary>Where the markers of an election's sessions live unless told otherwise: beside the election parent,
    /// so two elections in one namespace keep apart.</summary>
    public static string DefaultPathFor(string electionPath) => electionPath + "-sessions";

    /// <summary>The marker of <paramref name="sessionId"/> under <paramref name="sessionsPath"/>.</summary>
    public static string PathOf(string sessionsPath, long sessionId) =>
        ZooKeeperPath.Combine(sessionsPath, sessionId.ToString("x16", CultureInfo.InvariantCulture));

    public static byte[] Data(string state) => Encoding.ASCII.GetBytes(state);

    /// <summary>Whether session <paramref name="owner"/>, as its marker reads, may still lead with its candidate created
    /// at <paramref name="czxid"/>: its marker is there, is its own, and has not been written since that candidate.</summary>
    public static bool MayStillHold(ReadOperationResult marker, long owner, long czxid) => marker switch
    {
        DataReadResult { Node: var node } => MayStillHold(node, owner, czxid),
        // Gone: its session ended. Unreadable (an ACL someone else set): no word of its own, as with a forged one; a
        // wait on it could only end with that session, and a watch on it would fail.
        _ => false,
    };

    /// <inheritdoc cref="MayStillHold(ReadOperationResult, long, long)"/>
    public static bool MayStillHold(NodeData marker, long owner, long czxid)
    {
        ArgumentNullException.ThrowIfNull(marker);
        // A marker that is not the session's own ephemeral was put there by someone else: the session's own is gone,
        // which only its end does (or an operator's hand, read the same way).
        return marker.Stat.EphemeralOwner == owner && marker.Stat.Mzxid <= czxid;
    }

    /// <summary>Whether a marker's name can be a session's: 16 hex digits.</summary>
    public static bool IsSessionName(string name) =>
        name.Length == 16 && long.TryParse(name, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _);

    /// <summary>On a candidate's first look: whether the marker read at <paramref name="path"/> says its session holds
    /// a candidate made before ours (created at <paramref name="before"/>, so it was ahead of ours) that is not among
    /// <paramref name="listedCzxids"/> any more: it is gone, and its session may still believe it leads with it. A
    /// candidate made after ours is behind it, and no concern. Only a session's own marker, named by its id,
    /// counts.</summary>
    public static bool HoldsAGoneCandidate(string path, NodeData marker, IReadOnlySet<long> listedCzxids, long before)
    {
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentNullException.ThrowIfNull(listedCzxids);
        if (!long.TryParse(ZooKeeperPath.Name(path), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var named)
            || named != marker.Stat.EphemeralOwner || marker.Stat.EphemeralOwner == 0)
        {
            return false;
        }

        return !marker.Data.AsSpan().SequenceEqual(Data(Released)) && marker.Stat.Mzxid < before && !listedCzxids.Contains(marker.Stat.Mzxid);
    }
}
