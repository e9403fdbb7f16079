using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>One connection (a stream from the dialer) carrying length-prefixed frames. Knows nothing of sessions.</summary>
internal sealed class FrameConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly int _maxFrameSize;
    private readonly TimeProvider _time;
    private long _lastSent;
    private int _disposed;

    private FrameConnection(Stream stream, EndPoint server, int maxFrameSize, TimeProvider time)
    {
        _stream = stream;
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _maxFrameSize = maxFrameSize;
        _time = time;
        Server = server;
        _lastSent = time.GetTimestamp();
    }

    public EndPoint Server { get; }

    public long LastSentTimestamp => Volatile.Read(ref _lastSent);

    public static async Task<FrameConnection> OpenAsync(ZooKeeperDialer dialer, DnsEndPoint server, int maxFrameSize, TimeProvider time, CancellationToken cancellationToken) =>
        new(await dialer(server, cancellationToken).ConfigureAwait(false), server, maxFrameSize, time);

    /// <summary>Writes whole frames (each already length-prefixed) in one go; writers never interleave.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(frames, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastSent, _time.GetTimestamp());
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reads one frame and hands it over as a fresh array (used for the handshake).</summary>
    public async Task<byte[]> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (FrameDecoder.TryReadFrame(ref buffer, _maxFrameSize, out var frame))
            {
                var bytes = frame.ToArray();
                _reader.AdvanceTo(buffer.Start);
                return bytes;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the server closed the connection");
            }
        }
    }

    /// <summary>Hands every frame to <paramref name="onFrame"/>, in arrival order, until the connection ends.</summary>
    public async Task ReceiveAsync(Action<ReadOnlySequence<byte>> onFrame, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (FrameDecoder.TryReadFrame(ref buffer, _maxFrameSize, out var frame))
                {
                    onFrame(frame);
                }
            }
            finally
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the server closed the connection");
            }
        }
    }

    /// <summary>Drops the connection without a goodbye: pending reads and writes fail at once.</summary>
    public void Abort()
    {
        if (_stream is NetworkStream { Socket: var socket })
        {
            // Shut the socket first: a read pending on it ends now, not whenever the close gets to it.
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        // Any other stream (TLS over a socket, a test's link) ends its pending reads when disposed: an SslStream
        // disposes the socket under it.
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Abort();
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}
