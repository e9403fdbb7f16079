using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ClusterDashboard.Testing;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>
/// A TCP proxy between a client and one ZooKeeper server that, once armed, lets the next create under a path prefix
/// through, swallows the server's reply to it and cuts the connection: the create is applied but the client only sees
/// ConnectionLoss, the classic way to leave an orphan sequential znode behind. A multi whose first operation is such a
/// create counts too (the election creates its candidate in one with its session marker).
/// </summary>
internal sealed class DroppingProxy(string upstream) : LoopbackProxy(upstream)
{
    private const int Create = 1;
    private const int Create2 = 15;
    private const int Multi = 14;

    private string? _armedPrefix;
    private int _dropped;

    /// <summary>How many creates were applied with their reply swallowed.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public void ArmForCreateUnder(string prefix) => Volatile.Write(ref _armedPrefix, prefix);

    protected override async Task HandleAsync(Socket client)
    {
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var _ = client;
        try
        {
            await server.ConnectAsync(Upstream, Stopping);
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            var swallowXid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var up = PumpRequestsAsync(client, server, swallowXid, cut.Token);
            var down = PumpRepliesAsync(server, client, swallowXid.Task, cut.Token);
            await Task.WhenAny(up, down);
            await cut.CancelAsync();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    // Client → server, frame by frame: the first frame is the ConnectRequest, then [xid][type][record].
    private async Task PumpRequestsAsync(Socket from, Socket to, TaskCompletionSource<int> swallowXid, CancellationToken cancellationToken)
    {
        var first = true;
        while (true)
        {
            var frame = await ReadFrameAsync(from, cancellationToken);
            // The reply to swallow is named before its request is passed on, so the reply cannot overtake it.
            if (!first
                && CreatedPath(frame) is { } path
                && Volatile.Read(ref _armedPrefix) is { } prefix
                && path.StartsWith(prefix, StringComparison.Ordinal))
            {
                Volatile.Write(ref _armedPrefix, null);
                swallowXid.TrySetResult(BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)));
            }

            first = false;
            await to.SendAsync(frame, cancellationToken);
        }
    }

    // Server → client: the first frame is the ConnectResponse, then [xid][zxid][err][record]. The reply to the armed
    // create is swallowed and the connection cut, after the server has applied the create.
    private async Task PumpRepliesAsync(Socket from, Socket to, Task<int> swallowXid, CancellationToken cancellationToken)
    {
        var first = true;
        while (true)
        {
            var frame = await ReadFrameAsync(from, cancellationToken);
            if (!first && swallowXid.IsCompletedSuccessfully && BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)) == swallowXid.Result)
            {
                Interlocked.Increment(ref _dropped);
                from.Close();
                to.Close();
                return;
            }

            first = false;
            await to.SendAsync(frame, cancellationToken);
        }
    }

    // [len][xid][type] then a create's path; a multi's first operation has a header [type][done][err] before its own.
    private static string? CreatedPath(byte[] frame) => BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(8)) switch
    {
        Create or Create2 => PathAt(frame, 12),
        Multi when BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(12)) is Create or Create2 => PathAt(frame, 21),
        _ => null,
    };

    private static string PathAt(byte[] frame, int offset)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(offset));
        return Encoding.UTF8.GetString(frame, offset + 4, length);
    }

    private static async Task<byte[]> ReadFrameAsync(Socket socket, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        await ReadExactlyAsync(socket, prefix, cancellationToken);
        var frame = new byte[4 + BinaryPrimitives.ReadInt32BigEndian(prefix)];
        prefix.CopyTo(frame, 0);
        await ReadExactlyAsync(socket, frame.AsMemory(4), cancellationToken);
        return frame;
    }

    private static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("closed");
            }

            buffer = buffer[read..];
        }
    }
}
