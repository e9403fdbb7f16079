namespace ClusterDashboard.Configuration;

/// <summary>The "Cluster" configuration section: who this node is.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    public string NodeId { get; set; } = string.Empty;

    /// <summary>The URL other services use to reach this node.</summary>
    public string AdvertisedUrl { get; set; } = string.Empty;
}
