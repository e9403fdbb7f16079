using System.Globalization;

namespace ClusterDashboard.ZooKeeper;

/// <summary>Session ids and zxids as the client's log lines write them: "0x" and 16 lower-case hex digits, zero padded,
/// so one session or zxid is one string to search for (a caller logging them can use the same form). ZooKeeper's own logs and
/// the <c>cons</c> command drop the leading zeros (as <see cref="ZooKeeperClient.SessionIdHex"/> does, to match them),
/// and a number would be a decimal in a JSON log.</summary>
public static class LogHex
{
    public static string Of(long value) => "0x" + value.ToString("x16", CultureInfo.InvariantCulture);
}
