namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>
/// A TCP link to the servers that a test can impair the way a failing network does, for every connection dialed
/// through it: connections that silently carry nothing (writes stall, reads get nothing), writes whose bytes vanish
/// (the socket takes them, the network drops them), or one write held up for a while.
/// </summary>
internal sealed class ImpairedLink
{
    private int _dialed;
    private int _droppingUpTo; // connections dialed up to this number drop what they are given to write
    private int _deadUpTo; // connections dialed up to this number carry nothing either way
    private TimeSpan _delayNextWrite;

    /// <summary>From now on, the connections open now carry nothing: their writes stall (the send buffer is full and
    /// nothing is acknowledged) and their reads get nothing. Connections dialed later work, so a reconnect that begins
    /// before the test could lift a link-wide fault is not caught by it and the session is not left to expire.</summary>
    public void KillOpenConnectionsSilently() => Volatile.Write(ref _deadUpTo, Volatile.Read(ref _dialed));

    private bool Dead(int connection) => connection <= Volatile.Read(ref _deadUpTo);

    /// <summary>From now on, what is written on the connections open now vanishes; connections dialed later carry
    /// their writes. A one-way partition of the path the connection took, which a new connection gets around, so a
    /// test can tell the client noticed in time from a session that expired meanwhile.</summary>
    public void DropWritesOfOpenConnections() => Volatile.Write(ref _droppingUpTo, Volatile.Read(ref _dialed));


    /// <summary>The next write waits this long before it goes out, or until its caller gives up.</summary>
    public void DelayNextWrite(TimeSpan delay)
    {
        lock (this)
        {
            _delayNextWrite = delay;
        }
    }

    public ZooKeeperDialer Dialer => async (server, cancellationToken) => new ImpairedStream(await ZooKeeperDialers.Tcp(server, cancellationToken), this, Interlocked.Increment(ref _dialed));

    private bool Drops(int connection) => connection <= Volatile.Read(ref _droppingUpTo);

    private TimeSpan TakeDelay()
    {
        lock (this)
        {
            var delay = _delayNextWrite;
            _delayNextWrite = TimeSpan.Zero;
            return delay;
        }
    }

    private sealed class ImpairedStream(Stream inner, ImpairedLink link, int number) : Stream
    {
        private readonly CancellationTokenSource _closed = new();

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
            while (true)
            {
                var read = await inner.ReadAsync(buffer, cancellationToken);
                if (read == 0 || !link.Dead(number))
                {
                    return read;
                }
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            if (link.TakeDelay() is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, either.Token);
            }

            if (link.Dead(number))
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, either.Token);
                }
                catch (OperationCanceledException) when (_closed.IsCancellationRequested)
                {
                    throw new IOException("The connection was closed.");
                }
            }

            if (!link.Drops(number))
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _closed.Cancel();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
