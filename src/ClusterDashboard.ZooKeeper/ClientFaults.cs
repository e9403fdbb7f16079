namespace ClusterDashboard.ZooKeeper;

/// <summary>
/// Failures of this one client, on demand, for drills and tests: the servers and every other client are untouched.
/// Each models what a real failure looks like from the client's side.
/// </summary>
public sealed class ClientFaults
{
    private readonly ZooKeeperClient _client;

    internal ClientFaults(ZooKeeperClient client) => _client = client;

    /// <summary>A network partition: the connection drops and no reconnect is attempted for
    /// <paramref name="duration"/>. Shorter than the session timeout, the session survives; longer, it expires.</summary>
    public void Partition(TimeSpan duration) => _client.InjectPartition(duration);

    /// <summary>A crash: the socket drops without a goodbye and the client stops for good, so the servers expire the
    /// session after its timeout, as when a process dies. The client reports Closed.</summary>
    public void Crash() => _client.InjectCrash();

    /// <summary>A stop-the-world pause: nothing is read, written or pinged for <paramref name="duration"/>; the client
    /// only notices afterwards that time has passed.</summary>
    public void Freeze(TimeSpan duration) => _client.InjectFreeze(duration);

    /// <summary>Ends a partition or a freeze early.</summary>
    public void Heal() => _client.HealFaults();
}
