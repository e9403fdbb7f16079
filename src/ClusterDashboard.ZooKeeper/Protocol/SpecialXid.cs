namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>Reserved xids; replies carrying them are matched by xid, not by the pending FIFO.</summary>
internal static class SpecialXid
{
    public const int Notification = -1;
    public const int Ping = -2;
    public const int Auth = -4;
    public const int SetWatches = -8;
}
