namespace ClusterDashboard.ZooKeeper.Admin;

/// <summary>One client connection as cons lists it.</summary>
public sealed record ClientConnectionInfo(string Client, string? SessionIdHex, int? TimeoutMs, string? LastOperation, IReadOnlyDictionary<string, string> Fields);
