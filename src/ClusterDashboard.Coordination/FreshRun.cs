namespace ClusterDashboard.Coordination;

/// <summary>
/// Shares one run of an operation among every caller that may use it: a run serves the callers that arrived before it
/// began, never one that arrived after (its answer would be older than that caller's request). So at most one run is
/// under way and one more waits to begin: a thousand callers at once cost two runs, not a thousand.
/// </summary>
internal sealed class FreshRun<T>(Func<CancellationToken, Task<T>> operation, CancellationToken stopping)
{
    private readonly Lock _lock = new();
    private Task<T>? _running;
    private Task<T>? _next;

    public Task<T> RunAsync(CancellationToken cancellationToken)
    {
        Task<T> mine;
        lock (_lock)
        {
            // The run under way, if any, began before this caller: it takes the next, which begins when that one ends.
            mine = _running is null ? _running = RoundAsync(null) : _next ??= RoundAsync(_running);
        }

        return mine.WaitAsync(cancellationToken);
    }

    private async Task<T> RoundAsync(Task<T>? before)
    {
        // Never synchronously inside RunAsync's lock: a run that ended at once would advance the state under it.
        await Task.Yield();
        if (before is not null)
        {
            try
            {
                await before.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The run before failed for its callers; this one is tried afresh.
            }
        }

        try
        {
            stopping.ThrowIfCancellationRequested();
            return await operation(stopping).ConfigureAwait(false);
        }
        finally
        {
            // The waiting run, if any, is now the one under way.
            lock (_lock)
            {
                _running = _next;
                _next = null;
            }
        }
    }
}
