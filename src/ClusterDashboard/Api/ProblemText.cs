using System.Text.Json;

namespace ClusterDashboard.Api;

/// <summary>How a value a client sent appears in a problem's detail.</summary>
internal static class ProblemText
{
    /// <summary>JSON-quoted (so control characters show as escapes), cut to 40 characters, or "missing".</summary>
    public static string Quoted(string? value) => value is null ? "missing" : JsonSerializer.Serialize(value.Length > 40 ? value[..40] + "…" : value);
}
