namespace ClusterDashboard.ZooKeeper.Protocol;

internal readonly record struct ReplyHeader(int Xid, long Zxid, ZooKeeperErrorCode Error);
