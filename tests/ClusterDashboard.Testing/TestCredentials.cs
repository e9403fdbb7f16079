using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Testing;

/// <summary>The credentials test clusters run with by default, as ./run.sh does: every znode they create is closed to
/// clients without them. A test that plays the cluster's operator authenticates with <see cref="ClientOptions"/>;
/// one that plays a stranger does not.</summary>
public static class TestCredentials
{
    public const string User = "clusterdashboard";

    public const string Password = "test-only-5b0e9d2c7a41";

    /// <summary>The ZooKeeper:Auth setting.</summary>
    public const string Auth = $"digest:{User}:{Password}";

    /// <summary>A client that is the cluster's identity.</summary>
    public static ZooKeeperClientOptions ClientOptions(string connectString) => new() { ConnectString = connectString, DigestAuth = [$"{User}:{Password}"] };
}
