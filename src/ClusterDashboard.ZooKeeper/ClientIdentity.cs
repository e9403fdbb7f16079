namespace ClusterDashboard.ZooKeeper;

/// <summary>An identity the server attached to this connection (whoAmI), e.g. ("ip", "127.0.0.1").</summary>
public sealed record ClientIdentity(string AuthScheme, string User);
