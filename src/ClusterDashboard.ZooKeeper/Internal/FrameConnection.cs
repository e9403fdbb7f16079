using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>One TCP connection carrying length-prefixed frames. Knows nothing of sessions.</summary>
internal sealed class FrameConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly int _maxFrameSize;
    private readonly TimeProvider _time;
    private long _lastReceived;
    private long _lastSent;
    private int _disposed;

    private FrameConnection(Socket socket, EndPoint server, int maxFrameSize, TimeProvider time)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _maxFrameSize = maxFrameSize;
        _time = time;
        Server = server;
        _lastReceived = _lastSent = time.GetTimestamp();
    }

    public EndPoint Server { get; }

    public long LastReceivedTimestamp => Volatile.Read(ref _lastReceived);

    public long LastSentTimestamp => Volatile.Read(ref _lastSent);

    public static async Task<FrameConnection> OpenAsync(DnsEndPoint server, int maxFrameSize, TimeProvider time, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return new FrameConnection(socket, server, maxFrameSize, time);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

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
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
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
    /// <param name="beforeRead">Awaited before every read; a simulated pause holds the reader here.</param>
    public async Task ReceiveAsync(Action<ReadOnlySequence<byte>> onFrame, Func<CancellationToken, ValueTask> beforeRead, CancellationToken cancellationToken)
    {
        while (true)
        {
            await beforeRead(cancellationToken).ConfigureAwait(false);
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            // A pause that began while the read was pending holds what arrived until it ends.
            await beforeRead(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var any = false;
            try
            {
                while (FrameDecoder.TryReadFrame(ref buffer, _maxFrameSize, out var frame))
                {
                    any = true;
                    onFrame(frame);
                }
            }
            finally
            {
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }

            if (any)
            {
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("the server closed the connection");
            }
        }
    }

    /// <summary>Drops the socket without a goodbye: pending reads and writes fail at once.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Close();
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
