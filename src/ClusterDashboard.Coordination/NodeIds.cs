using System.Text.RegularExpressions;

namespace ClusterDashboard.Coordination;

/// <summary>Node ids become znode names and appear in logs and pages: letters, digits, '-' and '_', at most 64, and
/// nothing else (not even the line break that '$' would let through at the end).</summary>
public static partial class NodeIds
{
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex Pattern();
}
