using System.Buffers.Binary;
using System.Text;

namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>Reads jute primitives from one frame. Every length is checked against what is left, so a malformed
/// frame raises <see cref="ZooKeeperProtocolException"/> instead of reading out of bounds or allocating wildly.</summary>
internal ref struct JuteReader(ReadOnlySpan<byte> frame)
{
    private readonly ReadOnlySpan<byte> _frame = frame;
    private int _position;

    public readonly int Remaining => _frame.Length - _position;

    public int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public long ReadLong() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public bool ReadBool() => Take(1)[0] != 0;

    public byte[]? ReadBuffer()
    {
        var length = ReadLength("buffer");
        return length < 0 ? null : Take(length).ToArray();
    }

    public string? ReadString()
    {
        var length = ReadLength("string");
        if (length < 0)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Take(length));
        }
        catch (ArgumentException e)
        {
            throw new ZooKeeperProtocolException("a string is not valid UTF-8", e);
        }
    }

    public string ReadRequiredString(string what) =>
        ReadString() ?? throw new ZooKeeperProtocolException($"{what} is null");

    public List<string> ReadStrings()
    {
        var count = ReadCount("string vector", 4);
        var result = new List<string>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            result.Add(ReadRequiredString("a vector element"));
        }

        return result;
    }

    public Stat ReadStat() => new(
        Czxid: ReadLong(),
        Mzxid: ReadLong(),
        Ctime: ReadLong(),
        Mtime: ReadLong(),
        Version: ReadInt(),
        Cversion: ReadInt(),
        Aversion: ReadInt(),
        EphemeralOwner: ReadLong(),
        DataLength: ReadInt(),
        NumChildren: ReadInt(),
        Pzxid: ReadLong());

    public List<Acl> ReadAcls()
    {
        var count = ReadCount("ACL vector", 12);
        var result = new List<Acl>(Math.Max(count, 0));
        for (var i = 0; i < count; i++)
        {
            var perms = (Permissions)ReadInt();
            var scheme = ReadRequiredString("an ACL scheme");
            var id = ReadRequiredString("an ACL id");
            result.Add(new Acl(perms, new ZooKeeperId(scheme, id)));
        }

        return result;
    }

    private int ReadLength(string what)
    {
        var length = ReadInt();
        if (length < -1 || length > Remaining)
        {
            throw new ZooKeeperProtocolException($"{what} length {length} does not fit the {Remaining} bytes left");
        }

        return length;
    }

    // Each element takes at least minElementSize bytes, so a count beyond that is malformed; this check keeps a
    // hostile count from pre-allocating gigabytes.
    private int ReadCount(string what, int minElementSize)
    {
        var count = ReadInt();
        if (count < -1 || (long)count * minElementSize > Remaining)
        {
            throw new ZooKeeperProtocolException($"{what} count {count} does not fit the {Remaining} bytes left");
        }

        return count;
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > Remaining)
        {
            throw new ZooKeeperProtocolException($"frame ends early: needed {length} bytes, {Remaining} left");
        }

        var slice = _frame.Slice(_position, length);
        _position += length;
        return slice;
    }
}
