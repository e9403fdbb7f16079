namespace ClusterDashboard.Testing;

public static class TestPaths
{
    /// <summary>A root path no other test uses, e.g. "/t-election-1a2b3c4d".</summary>
    public static string Unique(string prefix) => $"/t-{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
