namespace ClusterDashboard.Testing;

public sealed class ZooKeeperClusterOptions
{
    /// <summary>Sessions may last from 2 to 20 ticks; 250 ms allows 0.5 s to 5 s.</summary>
    public TimeSpan TickTime { get; init; } = TimeSpan.FromMilliseconds(250);

    public string FourLetterWhitelist { get; init; } = "*";

    public bool ExtendedTypesEnabled { get; init; } = true;

    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}
