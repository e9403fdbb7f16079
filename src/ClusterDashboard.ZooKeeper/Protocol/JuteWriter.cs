using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>Writes jute primitives, big-endian, into a buffer writer.</summary>
internal readonly struct JuteWriter(IBufferWriter<byte> output)
{
    public void WriteInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    public void WriteLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    public void WriteBool(bool value)
    {
        output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        output.Advance(1);
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteInt(value.Length);
        output.Write(value);
    }

    public void WriteNullableBuffer(ReadOnlyMemory<byte>? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }

        WriteBuffer(value.Value.Span);
    }

    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt(length);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    public void WriteStrings(IReadOnlyCollection<string> values)
    {
        WriteInt(values.Count);
        foreach (var value in values)
        {
            WriteString(value);
        }
    }

    public void WriteAcls(IReadOnlyCollection<Acl> acls)
    {
        WriteInt(acls.Count);
        foreach (var acl in acls)
        {
            WriteInt((int)acl.Permissions);
            WriteString(acl.Id.Scheme);
            WriteString(acl.Id.Id);
        }
    }
}
