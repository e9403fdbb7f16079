namespace ClusterDashboard.ZooKeeper;

/// <summary>A request failed with a ZooKeeper error code; <see cref="Path"/> names the znode when there is one.</summary>
public class ZooKeeperException : Exception
{
    public ZooKeeperException(ZooKeeperErrorCode code, string? path = null, string? detail = null, Exception? innerException = null)
        : base(Describe(code, path, detail), innerException)
    {
        Code = code;
        Path = path;
    }

    public ZooKeeperException()
        : this(ZooKeeperErrorCode.SystemError)
    {
    }

    public ZooKeeperException(string message)
        : base(message)
    {
        Code = ZooKeeperErrorCode.SystemError;
    }

    public ZooKeeperException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ZooKeeperErrorCode.SystemError;
    }

    public ZooKeeperErrorCode Code { get; }

    public string? Path { get; }

    private static string Describe(ZooKeeperErrorCode code, string? path, string? detail)
    {
        var text = code switch
        {
            ZooKeeperErrorCode.NoNode => "the znode does not exist",
            ZooKeeperErrorCode.NodeExists => "the znode already exists",
            ZooKeeperErrorCode.NotEmpty => "the znode has children",
            ZooKeeperErrorCode.BadVersion => "the version does not match",
            ZooKeeperErrorCode.NoAuth => "not authorised by the znode's ACL",
            ZooKeeperErrorCode.ConnectionLoss => "the connection was lost; the request may or may not have been applied",
            ZooKeeperErrorCode.SessionExpired => "the session has expired",
            ZooKeeperErrorCode.ClientClosed => "the client is closed",
            ZooKeeperErrorCode.BadArguments => "invalid arguments",
            ZooKeeperErrorCode.NoChildrenForEphemerals => "ephemeral znodes cannot have children",
            ZooKeeperErrorCode.InvalidAcl => "invalid ACL",
            ZooKeeperErrorCode.AuthFailed => "authentication failed",
            ZooKeeperErrorCode.NoWatcher => "no such watch",
            ZooKeeperErrorCode.Unimplemented => "the server does not implement this operation",
            _ => "request failed",
        };
        var message = path is null ? $"{code}: {text}" : $"{code} for {path}: {text}";
        return detail is null ? message : $"{message} ({detail})";
    }
}
