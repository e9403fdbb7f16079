using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ClusterDashboard.Testing;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>A scripted server that answers the handshake and then sends garbage: the client must drop that
/// connection, fail what was pending with ConnectionLoss, and carry on; never crash or hang.</summary>
public sealed class MalformedServerTests
{
    [Theory]
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })]                         // absurd length
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xF0 })]                         // negative length
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 0, 9 })]                         // a reply too short for its header
    [InlineData(new byte[] { 0, 0, 0, 16, 0, 0, 0, 99, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 })] // a reply for no request
    public async Task A_malformed_frame_closes_the_connection_and_fails_the_request_with_ConnectionLoss(byte[] garbage)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        var server = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync();
                Interlocked.Increment(ref connections);
                await using var stream = new NetworkStream(socket);
                await ReadFrameAsync(stream); // ConnectRequest
                await stream.WriteAsync(ConnectResponse());
                await ReadFrameAsync(stream); // the client's first request
                await stream.WriteAsync(garbage);
                await ReadFrameAsync(stream).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        });
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = $"127.0.0.1:{port}", SessionTimeout = TimeSpan.FromSeconds(30) });

        var error = await Assert.ThrowsAsync<ZooKeeperException>(() => zk.GetDataAsync("/x").WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(ZooKeeperErrorCode.ConnectionLoss, error.Code);
        await Eventually.UntilAsync(_ => Task.FromResult(Volatile.Read(ref connections) >= 2), TimeSpan.FromSeconds(10), "the client reconnects");
        await zk.WaitForStateAsync(s => s == ConnectionState.Connected).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(server.IsFaulted, server.Exception?.ToString());
    }

    [Fact]
    public async Task A_reply_that_fails_to_parse_does_not_advance_the_zxid_the_client_sends_on_reconnect()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var reconnectedWith = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Task.Run(async () =>
        {
            using (var socket = await listener.AcceptSocketAsync())
            {
                await using var stream = new NetworkStream(socket);
                await ReadFrameAsync(stream);
                await stream.WriteAsync(ConnectResponse());
                await ReadFrameAsync(stream); // getData, xid 1
                // The reply claims zxid 0x7000000000 but has no body a getData reply must have.
                var garbled = new byte[20];
                BinaryPrimitives.WriteInt32BigEndian(garbled, 16);
                BinaryPrimitives.WriteInt32BigEndian(garbled.AsSpan(4), 1);
                BinaryPrimitives.WriteInt64BigEndian(garbled.AsSpan(8), 0x70_0000_0000);
                await stream.WriteAsync(garbled);
                await ReadFrameAsync(stream).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
            }

            using var again = await listener.AcceptSocketAsync();
            await using var second = new NetworkStream(again);
            var connect = await ReadFrameBytesAsync(second);
            reconnectedWith.TrySetResult(BinaryPrimitives.ReadInt64BigEndian(connect.AsSpan(4)));
        });
        await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectString = $"127.0.0.1:{port}", SessionTimeout = TimeSpan.FromSeconds(30) });

        await Assert.ThrowsAsync<ZooKeeperException>(() => zk.GetDataAsync("/x").WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(0, await reconnectedWith.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, zk.LastZxidSeen);
        await server.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static byte[] ConnectResponse()
    {
        var frame = new byte[4 + 4 + 4 + 8 + 4 + 16 + 1];
        BinaryPrimitives.WriteInt32BigEndian(frame, frame.Length - 4);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), 30000);
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(12), 0x42);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(20), 16);
        return frame;
    }

    private static async Task ReadFrameAsync(Stream stream) => await ReadFrameBytesAsync(stream);

    private static async Task<byte[]> ReadFrameBytesAsync(Stream stream)
    {
        var prefix = new byte[4];
        await stream.ReadExactlyAsync(prefix);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(prefix)];
        await stream.ReadExactlyAsync(body);
        return body;
    }
}
