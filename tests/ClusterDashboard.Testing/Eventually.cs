namespace ClusterDashboard.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: tests wait for what they expect, never for a fixed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        using var deadline = new CancellationTokenSource(timeout);
        var last = default(T);
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe(deadline.Token);
                lastError = null;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception e) when (!deadline.IsCancellationRequested && e is not OperationCanceledException)
            {
                lastError = e;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F1} s waiting until {because}; last value: {last?.ToString() ?? "none"}", lastError);
            }

            try
            {
                await Task.Delay(Interval, deadline.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public static Task UntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string because) =>
        UntilAsync(condition, ok => ok, timeout, because);
}
