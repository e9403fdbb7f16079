namespace ClusterDashboard.Coordination.Faults;

/// <summary>The ways a node can be made to fail, each acting on its participant session only.</summary>
public enum FaultKind
{
    /// <summary>Stops pinging and drops its socket without closing the session, as a dying process does; comes back
    /// after the duration with a new session, at the back of the queue.</summary>
    Crash,

    /// <summary>Its connection is cut and reconnects refused for the duration.</summary>
    Partition,

    /// <summary>Frozen for the duration, as in a long stop-the-world pause: it neither reads nor answers.</summary>
    Pause,

    /// <summary>Closes its session (immediate failover) and rejoins after the duration.</summary>
    Leave,

    /// <summary>The leader gives up and queues again at the back.</summary>
    Resign,
}

/// <summary>The names faults go by on the wire, in the API and on the page, and the one strict way to read them.</summary>
public static class FaultKinds
{
    private static readonly (FaultKind Kind, string Name)[] Table =
    [
        (FaultKind.Crash, "crash"),
        (FaultKind.Partition, "partition"),
        (FaultKind.Pause, "pause"),
        (FaultKind.Leave, "leave"),
        (FaultKind.Resign, "resign"),
    ];

    /// <summary>Every kind, in the order the page offers them.</summary>
    public static IReadOnlyList<FaultKind> All { get; } = [.. Table.Select(k => k.Kind)];

    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(k => k.Name)];

    public static string Name(this FaultKind kind) => Table.First(k => k.Kind == kind).Name;

    /// <summary>Whether the fault lasts for a duration (every kind but resign, which is over once done).</summary>
    public static bool HasDuration(this FaultKind kind) => kind != FaultKind.Resign;

    /// <summary>Exactly one of <see cref="Names"/>, in any letter case; nothing else: no numbers, no lists, no padding
    /// (what Enum.TryParse would all let through).</summary>
    public static bool TryParse(string? text, out FaultKind kind)
    {
        foreach (var (k, name) in Table)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
