using ClusterDashboard.Coordination;

namespace ClusterDashboard.Configuration;

/// <summary>The "Cluster" configuration section: who this node is.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    public string NodeId { get; set; } = string.Empty;

    /// <summary>The URL other services use to reach this node.</summary>
    public string AdvertisedUrl { get; set; } = string.Empty;

    /// <summary>Standard: a leader stops acting as soon as its connection is suspended. SessionOnly: only when its
    /// session is lost.</summary>
    public LeadershipPolicy LeadershipPolicy { get; set; } = LeadershipPolicy.Standard;

    /// <summary>Follow the election without being a candidate.</summary>
    public bool Observer { get; set; }

    /// <summary>Browser origins besides this node's own (its advertised URL, and the address it is browsed at on
    /// loopback) allowed to open the hub, the page's circuit, and send fault orders, e.g. "https://ops.example.com".</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Whether this node runs in a container; detected (DOTNET_RUNNING_IN_CONTAINER, set by .NET's images)
    /// unless set. In one, loopback addresses for ZooKeeper or the advertised URL are refused, unless
    /// <see cref="AllowLoopback"/>: there they name the container itself.</summary>
    public bool? InContainer { get; set; }

    /// <summary>Accepts loopback addresses in a container after all (a sidecar ZooKeeper, say).</summary>
    public bool AllowLoopback { get; set; }
}
