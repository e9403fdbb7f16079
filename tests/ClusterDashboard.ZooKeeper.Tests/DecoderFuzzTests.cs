using System.Buffers;
using System.Buffers.Binary;
using ClusterDashboard.ZooKeeper.Internal;
using ClusterDashboard.ZooKeeper.Protocol;
using FsCheck.Xunit;

namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>Whatever a server sends, the decoders either decode it or reject it with a protocol error (which closes
/// that one connection); nothing else may escape, no read may run past the frame, no count may allocate wildly.</summary>
public sealed class DecoderFuzzTests
{
    private delegate void Decoder(ref JuteReader reader);

    private static readonly Decoder[] Decoders =
    [
        (ref JuteReader r) => Responses.ReadReplyHeader(ref r),
        (ref JuteReader r) => Responses.ReadConnectResponse(ref r),
        (ref JuteReader r) => Responses.ReadWatcherEvent(ref r),
        (ref JuteReader r) => Responses.ReadNodeData(ref r),
        (ref JuteReader r) => Responses.ReadChildren2(ref r),
        (ref JuteReader r) => Responses.ReadAcl(ref r),
        (ref JuteReader r) => Responses.ReadStrings(ref r),
        (ref JuteReader r) => Responses.ReadWhoAmI(ref r),
        (ref JuteReader r) => MultiCodec.Decode(ref r, p => p),
        (ref JuteReader r) => MultiCodec.DecodeReads(ref r),
    ];

    [Property(MaxTest = 3000)]
    public void Random_bytes_are_decoded_or_rejected_as_a_protocol_error(byte[] bytes)
    {
        DecodeEverything(bytes ?? []);
        SplitFrames(bytes ?? []);
    }

    [Property(MaxTest = 3000)]
    public void Mutated_valid_replies_are_decoded_or_rejected_as_a_protocol_error(int sample, int position, byte value, int cut)
    {
        var valid = Samples[Math.Abs(sample % Samples.Length)];
        var mutated = valid.ToArray();
        mutated[Math.Abs(position % mutated.Length)] = value;
        var length = Math.Abs(cut % (mutated.Length + 1));

        DecodeEverything(mutated);
        DecodeEverything(mutated.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Valid_samples_decode()
    {
        var reader = new JuteReader(Samples[0]);
        var data = Responses.ReadNodeData(ref reader);
        Assert.Equal("hello"u8.ToArray(), data.Data);
        Assert.Equal(7, data.Stat.Version);
    }

    private static void DecodeEverything(byte[] bytes)
    {
        foreach (var decode in Decoders)
        {
            try
            {
                var reader = new JuteReader(bytes);
                decode(ref reader);
            }
            catch (ZooKeeperProtocolException)
            {
            }
        }
    }

    private static void SplitFrames(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        try
        {
            while (FrameDecoder.TryReadFrame(ref buffer, 1024, out var frame))
            {
                DecodeEverything(frame.ToArray());
            }
        }
        catch (ZooKeeperProtocolException)
        {
        }
    }

    private static readonly byte[][] Samples =
    [
        Encode(w =>
        {
            w.WriteBuffer("hello"u8);
            WriteStat(w);
        }),
        Encode(w =>
        {
            w.WriteStrings(["a", "b", "c"]);
            WriteStat(w);
        }),
        Encode(w =>
        {
            w.WriteInt(0);
            w.WriteInt(5000);
            w.WriteLong(0x1000093eb860000);
            w.WriteBuffer(new byte[16]);
            w.WriteBool(false);
        }),
        Encode(w =>
        {
            w.WriteAcls([new Acl(Permissions.All, ZooKeeperId.Anyone)]);
            WriteStat(w);
        }),
        Encode(w =>
        {
            foreach (var (type, body) in new (int, Action)[] { (1, () => w.WriteString("/x")), (-1, () => w.WriteInt(-101)) })
            {
                w.WriteInt(type);
                w.WriteBool(false);
                w.WriteInt(0);
                body();
            }

            w.WriteInt(-1);
            w.WriteBool(true);
            w.WriteInt(-1);
        }),
    ];

    private static void WriteStat(JuteWriter w)
    {
        w.WriteLong(1);
        w.WriteLong(2);
        w.WriteLong(3);
        w.WriteLong(4);
        w.WriteInt(7);
        w.WriteInt(0);
        w.WriteInt(0);
        w.WriteLong(0);
        w.WriteInt(5);
        w.WriteInt(0);
        w.WriteLong(2);
    }

    private static byte[] Encode(Action<JuteWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new JuteWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_frame_prefix_is_big_endian()
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 4);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameDecoder.TryReadFrame(ref buffer, 16, out var frame));
        Assert.Equal(4, frame.Length);
    }
}
