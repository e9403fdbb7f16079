using System.Buffers;
using System.Buffers.Binary;
using ClusterDashboard.ZooKeeper.Protocol;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>Splits a byte stream into length-prefixed frames.</summary>
internal static class FrameDecoder
{
    /// <summary>Takes one complete frame off the front of <paramref name="buffer"/>, if there is one.</summary>
    /// <exception cref="ZooKeeperProtocolException">The length prefix is negative or above <paramref name="maxFrameSize"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < 0 || length > maxFrameSize)
        {
            throw new ZooKeeperProtocolException($"frame length {length} is outside 0..{maxFrameSize}");
        }

        if (buffer.Length - 4 < length)
        {
            return false;
        }

        frame = buffer.Slice(4, length);
        buffer = buffer.Slice(4 + length);
        return true;
    }
}
