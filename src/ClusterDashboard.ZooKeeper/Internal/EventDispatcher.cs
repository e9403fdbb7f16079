using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>
/// Runs watch callbacks, state callbacks and request completions one at a time, in the order the server sent
/// them, so an application sees a watch event before the reply that follows it on the wire.
/// </summary>
internal sealed class EventDispatcher : IAsyncDisposable
{
    private readonly Channel<Action> _queue = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _loop;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public bool HasStopped => _loop.IsCompleted;

    public void Post(Action work)
    {
        if (!_queue.Writer.TryWrite(work))
        {
            // After shutdown nothing is delivered: the final Closed/Expired event was the last word.
            return;
        }
    }

    private async Task RunAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                // A throwing callback must not stop delivery to everyone else.
                _logger.CallbackThrew(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
