namespace ClusterDashboard.Testing;

public sealed class ZooKeeperClusterOptions
{
    /// <summary>Sessions may last from 2 to 20 ticks; 250 ms allows 0.5 s to 5 s.</summary>
    public TimeSpan TickTime { get; init; } = TimeSpan.FromMilliseconds(250);

    public string FourLetterWhitelist { get; init; } = "*";

    public bool ExtendedTypesEnabled { get; init; } = true;

    /// <summary>Whether each write is fsynced. Off by default: tests and benchmarks are about the protocol, not
    /// durability, and a shared disk's fsync stalls would eat into the session timeouts failure tests run on and
    /// swamp the tails a benchmark compares.</summary>
    public bool ForceSync { get; init; }

    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}
