namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>The server's first frame. A timeout of 0 or less means the session is gone.</summary>
internal sealed record ConnectResponse(int ProtocolVersion, int TimeoutMs, long SessionId, byte[] Password, bool ReadOnly);
