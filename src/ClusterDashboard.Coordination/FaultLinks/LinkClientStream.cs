using System.IO.Pipelines;

namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>The client's end of a link connection: reads what the downstream lane delivers, writes what the upstream
/// lane takes. Disposing it closes the client's end, as closing a socket would.</summary>
internal sealed class LinkClientStream(PipeReader reads, PipeWriter writes) : Stream
{
    private readonly Stream _reads = reads.AsStream();
    private readonly Stream _writes = writes.AsStream();
    private int _disposed;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _reads.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _reads.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _writes.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _writes.WriteAsync(buffer, offset, count, cancellationToken);

    public override Task FlushAsync(CancellationToken cancellationToken) => _writes.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _reads.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => _writes.Write(buffer, offset, count);

    public override void Flush() => _writes.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Both halves end: the upstream lane sees the end of what was written, a read still pending returns.
            writes.Complete();
            reads.CancelPendingRead();
            reads.Complete();
        }

        base.Dispose(disposing);
    }
}
