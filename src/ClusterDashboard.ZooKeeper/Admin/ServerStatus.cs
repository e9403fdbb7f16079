namespace ClusterDashboard.ZooKeeper.Admin;

/// <summary>What srvr says about a server.</summary>
public sealed record ServerStatus(
    string Address,
    ServerMode Mode,
    string? Version,
    long? Zxid,
    int? Connections,
    int? Outstanding,
    long? NodeCount,
    double? AverageLatencyMs,
    long? MaxLatencyMs);
