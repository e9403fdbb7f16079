namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>The name an operation goes by in metrics, as ZooKeeper's own documentation calls it.</summary>
internal static class OperationNames
{
    public static string Of(OpCode op) => op switch
    {
        OpCode.Create => "create",
        OpCode.Create2 => "create2",
        OpCode.CreateContainer => "createContainer",
        OpCode.CreateTtl => "createTTL",
        OpCode.Delete => "delete",
        OpCode.Exists => "exists",
        OpCode.GetData => "getData",
        OpCode.SetData => "setData",
        OpCode.GetAcl => "getACL",
        OpCode.SetAcl => "setACL",
        OpCode.GetChildren => "getChildren",
        OpCode.GetChildren2 => "getChildren2",
        OpCode.Sync => "sync",
        OpCode.Ping => "ping",
        OpCode.Check => "check",
        OpCode.Multi => "multi",
        OpCode.MultiRead => "multiRead",
        OpCode.RemoveWatches => "removeWatches",
        OpCode.CheckWatches => "checkWatches",
        OpCode.AddWatch => "addWatch",
        OpCode.GetEphemerals => "getEphemerals",
        OpCode.GetAllChildrenNumber => "getAllChildrenNumber",
        OpCode.WhoAmI => "whoAmI",
        OpCode.CloseSession => "closeSession",
        OpCode.Auth => "auth",
        OpCode.SetWatches or OpCode.SetWatches2 => "setWatches",
        _ => "other",
    };

    public static string Of(WatchEventType type) => type switch
    {
        WatchEventType.NodeCreated => "nodeCreated",
        WatchEventType.NodeDeleted => "nodeDeleted",
        WatchEventType.NodeDataChanged => "nodeDataChanged",
        WatchEventType.NodeChildrenChanged => "nodeChildrenChanged",
        _ => "other",
    };
}
