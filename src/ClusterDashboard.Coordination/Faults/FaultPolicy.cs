namespace ClusterDashboard.Coordination.Faults;

/// <summary>What this node accepts as the target of a fault order (Faults:*). The node itself applies it to every
/// order that reaches it, whoever wrote it; it also publishes <see cref="Acceptance"/>, so the node that takes a
/// request can refuse at once what the target would refuse.</summary>
public sealed class FaultPolicy
{
    /// <summary>The longest fault any node may accept: whatever a setting or an order says, no timer waits longer.</summary>
    public const int LongestFaultSeconds = 3600;

    public static FaultPolicy Disabled { get; } = new();

    /// <summary>Off unless set: fault injection is a drill tool, not something a production node should expose.</summary>
    public bool Enabled { get; init; }

    /// <summary>When set, an order must prove it knows this key.</summary>
    public FaultKey? Key { get; init; }

    /// <summary>The longest fault this node accepts, at most <see cref="LongestFaultSeconds"/>.</summary>
    public int MaxDurationSeconds
    {
        get => _maxDurationSeconds;
        init => _maxDurationSeconds = value is >= 1 and <= LongestFaultSeconds
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDurationSeconds), value, $"A node accepts faults of 1 to {LongestFaultSeconds} s.");
    }

    private readonly int _maxDurationSeconds = 600;

    /// <summary>An order older than this when the node sees it is dropped, not run: one left behind while the node
    /// was down, or stuck while it could not hear ZooKeeper, must not fire at an unexpected moment.</summary>
    public TimeSpan MaxCommandAge { get; init; } = TimeSpan.FromSeconds(10);

    public FaultAcceptance Acceptance => new(Enabled, Key is not null, MaxDurationSeconds);

    public override string ToString() => $"enabled={Enabled}, key={(Key is null ? "none" : "set")}, max={MaxDurationSeconds}s, max age={MaxCommandAge}";
}
