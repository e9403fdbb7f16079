using System.Buffers;

namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>Encodes request records (the part after the RequestHeader).</summary>
internal static class RequestBody
{
    public static byte[] Encode<TState>(TState state, Action<JuteWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        write(new JuteWriter(buffer), state);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Path(string path) => Encode(path, static (w, p) => w.WriteString(p));

    public static byte[] PathWatch(string path, bool watch) => Encode((path, watch), static (w, s) =>
    {
        w.WriteString(s.path);
        w.WriteBool(s.watch);
    });

    public static byte[] PathVersion(string path, int version) => Encode((path, version), static (w, s) =>
    {
        w.WriteString(s.path);
        w.WriteInt(s.version);
    });

    public static byte[] Create(string path, ReadOnlyMemory<byte>? data, IReadOnlyCollection<Acl> acl, CreateMode mode, long? ttl) =>
        Encode((path, data, acl, mode, ttl), static (w, s) =>
        {
            w.WriteString(s.path);
            w.WriteNullableBuffer(s.data);
            w.WriteAcls(s.acl);
            w.WriteInt((int)s.mode);
            if (s.ttl is { } ttl)
            {
                w.WriteLong(ttl);
            }
        });

    public static byte[] SetData(string path, ReadOnlyMemory<byte>? data, int version) => Encode((path, data, version), static (w, s) =>
    {
        w.WriteString(s.path);
        w.WriteNullableBuffer(s.data);
        w.WriteInt(s.version);
    });

    public static byte[] SetAcl(string path, IReadOnlyCollection<Acl> acl, int aclVersion) => Encode((path, acl, aclVersion), static (w, s) =>
    {
        w.WriteString(s.path);
        w.WriteAcls(s.acl);
        w.WriteInt(s.aclVersion);
    });

    public static byte[] PathInt(string path, int value) => Encode((path, value), static (w, s) =>
    {
        w.WriteString(s.path);
        w.WriteInt(s.value);
    });

    public static byte[] Auth(string scheme, byte[] auth) => Encode((scheme, auth), static (w, s) =>
    {
        w.WriteInt(0);
        w.WriteString(s.scheme);
        w.WriteBuffer(s.auth);
    });
}
