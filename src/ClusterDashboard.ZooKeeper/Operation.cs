namespace ClusterDashboard.ZooKeeper;

/// <summary>One operation of a multi: all of them apply atomically, or none does.</summary>
public abstract record Operation(string Path)
{
    public static Operation Create(string path, ReadOnlyMemory<byte>? data, CreateMode mode = CreateMode.Persistent, IReadOnlyList<Acl>? acl = null) =>
        new CreateOperation(path, data, mode, acl ?? Acl.OpenUnsafe);

    public static Operation Delete(string path, int version = -1) => new DeleteOperation(path, version);

    public static Operation SetData(string path, ReadOnlyMemory<byte>? data, int version = -1) => new SetDataOperation(path, data, version);

    /// <summary>Fails the whole multi unless the znode exists with this version (-1: any version).</summary>
    public static Operation Check(string path, int version = -1) => new CheckOperation(path, version);
}

public sealed record CreateOperation(string Path, ReadOnlyMemory<byte>? Data, CreateMode Mode, IReadOnlyList<Acl> Acl) : Operation(Path);

public sealed record DeleteOperation(string Path, int Version) : Operation(Path);

public sealed record SetDataOperation(string Path, ReadOnlyMemory<byte>? Data, int Version) : Operation(Path);

public sealed record CheckOperation(string Path, int Version) : Operation(Path);
