using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Testing;

/// <summary>Waits for a state the application is told about, even one that passes before the test looks: a client
/// that loses one server is often connected to the next before the test could poll for Disconnected.</summary>
public static class StateHeard
{
    /// <summary>Completes with the time the state was heard; subscribe before causing it.</summary>
    public static Task<long> Next(ZooKeeperClient client, ConnectionState state)
    {
        var heard = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += s =>
        {
            if (s == state)
            {
                heard.TrySetResult(TimeProvider.System.GetTimestamp());
            }
        };
        return heard.Task;
    }
}
