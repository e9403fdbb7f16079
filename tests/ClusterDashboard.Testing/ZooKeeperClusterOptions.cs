namespace ClusterDashboard.Testing;

public sealed class ZooKeeperClusterOptions
{
    /// <summary>Sessions may last from 2 ticks (0.5 s with 250 ms) up to <see cref="MaxSessionTimeout"/>; short
    /// ticks make expiry prompt, so failure tests run quickly.</summary>
    public TimeSpan TickTime { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest session the server grants (ZooKeeper's default is 20 ticks). Raised so that a test about
    /// something other than expiry can take a session no stall of a busy machine comes near.</summary>
    public TimeSpan MaxSessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public string FourLetterWhitelist { get; init; } = "*";

    public bool ExtendedTypesEnabled { get; init; } = true;

    /// <summary>Whether each write is fsynced. Off by default: tests and benchmarks are about the protocol, not
    /// durability, and a shared disk's fsync stalls would eat into the session timeouts failure tests run on and
    /// swamp the tails a benchmark compares.</summary>
    public bool ForceSync { get; init; }

    public IReadOnlyList<string> ExtraConfig { get; init; } = [];

    /// <summary>Whether the servers accept clients over TLS only (<see cref="TestCertificates"/>).</summary>
    public ClientTls Tls { get; init; } = ClientTls.None;
}

public enum ClientTls
{
    /// <summary>A plain clientPort only.</summary>
    None,

    /// <summary>A secureClientPort only, as production ensembles that refuse plain clients run: every client, the
    /// tests' four-letter words included, speaks TLS with a certificate the servers' CA signed.</summary>
    Only,
}
