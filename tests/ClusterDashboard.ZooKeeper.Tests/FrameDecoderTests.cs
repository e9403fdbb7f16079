using System.Buffers;
using ClusterDashboard.ZooKeeper.Internal;
using ClusterDashboard.ZooKeeper.Protocol;

namespace ClusterDashboard.ZooKeeper.Tests;

public sealed class FrameDecoderTests
{
    [Fact]
    public void Splits_back_to_back_frames_and_leaves_a_partial_one()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 2, 7, 8, 0, 0, 0, 1, 9, 0, 0, 0, 5, 1]);

        Assert.True(FrameDecoder.TryReadFrame(ref buffer, 100, out var first));
        Assert.True(FrameDecoder.TryReadFrame(ref buffer, 100, out var second));
        Assert.False(FrameDecoder.TryReadFrame(ref buffer, 100, out _));

        Assert.Equal([7, 8], first.ToArray());
        Assert.Equal([9], second.ToArray());
        Assert.Equal(5, buffer.Length);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0, 0, 1, 0 })]
    public void A_negative_or_oversized_length_is_a_protocol_violation(byte[] prefix)
    {
        var buffer = new ReadOnlySequence<byte>(prefix);

        var error = Assert.Throws<ZooKeeperProtocolException>(() => FrameDecoder.TryReadFrame(ref buffer, 100, out _));
        Assert.Contains("frame length", error.Message, StringComparison.Ordinal);
    }
}
