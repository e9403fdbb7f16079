using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>
/// One direction of a <see cref="LinkConnection"/>. A reader takes bytes from the source as they arrive and stamps
/// them; a deliverer hands them to the sink in order once the direction's conditions let it: not while it is a black
/// hole, not before the chunk's latency has passed, not faster than its bandwidth. At most <see cref="InFlightLimit"/>
/// bytes wait in between, about a socket's buffers: past that, the writer on the source side waits, as a TCP writer
/// does when its peer stops taking data.
/// </summary>
internal sealed class LinkLane(FaultLink link, LinkDirection direction, PipeReader source, PipeWriter sink, Action afterDelivered, Func<Exception?>? endedWith = null)
{
    public const int InFlightLimit = 256 * 1024;

    private readonly Channel<Chunk> _chunks = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Lock _roomLock = new();
    private long _inFlight;
    private TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(ReadAsync(cancellationToken), DeliverAsync(cancellationToken));

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
                var arrived = link.Time.GetTimestamp();
                foreach (var segment in result.Buffer)
                {
                    if (!_chunks.Writer.TryWrite(new Chunk(segment.ToArray(), null, arrived)))
                    {
                        return; // the deliverer has stopped: nobody takes these any more
                    }

                    AddInFlight(segment.Length);
                }

                source.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    _chunks.Writer.TryWrite(new Chunk(null, null, arrived));
                    return;
                }

                await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The server reset the connection, say: what came before still goes first, then the failure.
            _chunks.Writer.TryWrite(new Chunk(null, e is IOException ? e : new IOException(e.Message, e), link.Time.GetTimestamp()));
        }
        finally
        {
            await source.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var lastDue = 0L;
        try
        {
            await foreach (var chunk in _chunks.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                lastDue = await WaitUntilDeliverableAsync(chunk, lastDue, cancellationToken).ConfigureAwait(false);
                if (chunk.Error is { } error)
                {
                    failure = error;
                    return;
                }

                if (chunk.Data is not { } data)
                {
                    afterDelivered();
                    return;
                }

                var flushed = await sink.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                AddInFlight(-data.Length);
                if (flushed.IsCompleted)
                {
                    return; // nobody reads the other end any more
                }

                if (link.Conditions.Of(direction).BytesPerSecond is > 0 and var rate)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)data.Length / rate), link.Time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            failure = endedWith?.Invoke();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            failure = e;
        }
        finally
        {
            _chunks.Writer.TryComplete();
            await sink.CompleteAsync(failure).ConfigureAwait(false);
            ReleaseAll();
        }
    }

    // Held while the direction is a black hole, then until the chunk's latency has passed; a change of the
    // conditions meanwhile (a heal, say) is looked at at once. Chunks keep their order.
    private async Task<long> WaitUntilDeliverableAsync(Chunk chunk, long lastDue, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = link.Changed;
            var conditions = link.Conditions.Of(direction);
            if (conditions.BlackHole)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var delay = conditions.Latency;
            if (conditions.Jitter > TimeSpan.Zero)
            {
                delay += TimeSpan.FromTicks((long)((Random.Shared.NextDouble() * 2 - 1) * conditions.Jitter.Ticks));
            }

            var due = Math.Max(lastDue, chunk.Arrived + (long)(Math.Max(0, delay.TotalSeconds) * link.Time.TimestampFrequency));
            var wait = link.Time.GetElapsedTime(link.Time.GetTimestamp(), due);
            if (wait <= TimeSpan.Zero)
            {
                return due;
            }

            // The delay's timer goes with it when the conditions change first (a latency of a minute, lifted).
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var elapsed = Task.Delay(wait, link.Time, timer.Token);
            var first = await Task.WhenAny(elapsed, changed).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            if (first != changed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return due;
            }
        }
    }

    private void AddInFlight(long bytes)
    {
        TaskCompletionSource? room = null;
        lock (_roomLock)
        {
            _inFlight += bytes;
            if (_inFlight < InFlightLimit)
            {
                room = _room;
                _room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        room?.TrySetResult();
    }

    // Nothing more will be delivered: a reader waiting for room goes on (and finds the lane closed).
    private void ReleaseAll()
    {
        TaskCompletionSource room;
        lock (_roomLock)
        {
            _inFlight = 0;
            room = _room;
        }

        room.TrySetResult();
    }

    private Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (_roomLock)
        {
            return _inFlight < InFlightLimit ? Task.CompletedTask : _room.Task.WaitAsync(cancellationToken);
        }
    }

    /// <param name="Data">Bytes, or null for the end of the stream (with <paramref name="Error"/> if it failed).</param>
    private readonly record struct Chunk(byte[]? Data, Exception? Error, long Arrived);
}
