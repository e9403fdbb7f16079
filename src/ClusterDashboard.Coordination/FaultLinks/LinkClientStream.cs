using System.Buffers;
using System.IO.Pipelines;

namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>
/// The client's end of a link connection: reads what the downstream lane delivers, writes what the upstream lane
/// takes. Disposing it closes the client's end, as closing a socket would: a read pending ends with an IOException,
/// later reads and writes fail. Each pipe end has one user at a time: a read or write in progress completes its
/// own end when it sees the stream disposed, otherwise Dispose does.
/// </summary>
internal sealed class LinkClientStream(PipeReader reads, PipeWriter writes) : Stream
{
    private readonly Lock _lock = new();
    private bool _disposed;
    private bool _reading;
    private bool _writing;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Enter(ref _reading);
        try
        {
            var result = await reads.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw Closed();
            }

            var available = result.Buffer;
            var length = (int)Math.Min(available.Length, buffer.Length);
            var consumed = available.Slice(0, length);
            consumed.CopyTo(buffer.Span);
            reads.AdvanceTo(consumed.End);
            if (length == 0 && result.IsCompleted)
            {
                return 0; // the server closed its end
            }

            return length;
        }
        finally
        {
            Leave(ref _reading, () => reads.Complete());
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Enter(ref _writing);
        try
        {
            var result = await writes.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw Closed();
            }
        }
        finally
        {
            Leave(ref _writing, () => writes.Complete());
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // every write flushes

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bool completeReads, completeWrites;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                completeReads = !_reading;
                completeWrites = !_writing;
            }

            // An end in use is only told to stop; its user completes it on the way out (Leave).
            if (completeReads)
            {
                reads.Complete();
            }
            else
            {
                reads.CancelPendingRead();
            }

            // The upstream lane sees the end of what was written: the server hears the close.
            if (completeWrites)
            {
                writes.Complete();
            }
            else
            {
                writes.CancelPendingFlush();
            }
        }

        base.Dispose(disposing);
    }

    private void Enter(ref bool busy)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                throw Closed();
            }

            busy = true;
        }
    }

    private void Leave(ref bool busy, Action complete)
    {
        bool disposed;
        lock (_lock)
        {
            busy = false;
            disposed = _disposed;
        }

        if (disposed)
        {
            complete();
        }
    }

    private static IOException Closed() => new("The connection was closed.");
}
