namespace ClusterDashboard.ZooKeeper;

/// <summary>One read of a multiRead; each succeeds or fails on its own.</summary>
public abstract record ReadOperation(string Path)
{
    public static ReadOperation GetData(string path) => new GetDataOperation(path);

    public static ReadOperation GetChildren(string path) => new GetChildrenOperation(path);
}

public sealed record GetDataOperation(string Path) : ReadOperation(Path);

public sealed record GetChildrenOperation(string Path) : ReadOperation(Path);
