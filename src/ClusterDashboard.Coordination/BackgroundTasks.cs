using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>The node's short background jobs (a status write, a history record, carrying out an order): each is
/// tracked until it ends, its failure is logged, and shutdown waits for all of them, so none outlives the node.</summary>
internal sealed class BackgroundTasks(ILogger logger)
{
    private readonly ConcurrentDictionary<Task, string> _running = new();

    public void Run(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                logger.BackgroundJobFailed(e, what);
            }
        });
        _running[task] = what;
        task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="work"/> as a job once <paramref name="delay"/> has passed on <paramref name="time"/>;
    /// a stop meanwhile (<paramref name="cancellationToken"/>) ends it unrun.</summary>
    public void RunAfter(string what, TimeSpan delay, TimeProvider time, Func<Task> work, CancellationToken cancellationToken) => Run(what, async () =>
    {
        await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        await work().ConfigureAwait(false);
    });

    /// <summary>Waits for every job started so far (and those they start meanwhile), or until
    /// <paramref name="cancellationToken"/> gives up on them.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
