namespace ClusterDashboard.Configuration;

/// <summary>The "Faults" section: whether this node accepts fault injection, and how it is guarded.</summary>
public sealed class FaultsOptions
{
    public const string Section = "Faults";

    /// <summary>Off unless set: fault injection is a drill tool, not something a production node should expose.</summary>
    public bool Enabled { get; set; }

    /// <summary>When set, every order for this node, through any node's REST API or page, must carry it (REST:
    /// X-Api-Key). A secret: never logged, never written to ZooKeeper.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The longest fault this node accepts, 1 to 3600.</summary>
    public int MaxDurationSeconds { get; set; } = 600;

    /// <summary>An order older than this when this node sees it is dropped, not run (1 to 300).</summary>
    public int MaxCommandAgeSeconds { get; set; } = 10;

    public override string ToString() => $"Enabled={Enabled}, ApiKey={(string.IsNullOrEmpty(ApiKey) ? "(none)" : "***")}, MaxDurationSeconds={MaxDurationSeconds}, MaxCommandAgeSeconds={MaxCommandAgeSeconds}";
}
