namespace ClusterDashboard.Configuration;

/// <summary>The "Faults" section: whether this node accepts fault injection, and how it is guarded.</summary>
public sealed class FaultsOptions
{
    public const string Section = "Faults";

    /// <summary>Off unless set: fault injection is a drill tool, not something a production node should expose.</summary>
    public bool Enabled { get; set; }

    /// <summary>When set, requests must carry it in X-Api-Key.</summary>
    public string? ApiKey { get; set; }

    public int MaxDurationSeconds { get; set; } = 600;
}
