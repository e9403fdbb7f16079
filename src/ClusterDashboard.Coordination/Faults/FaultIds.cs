namespace ClusterDashboard.Coordination.Faults;

/// <summary>Fault ids: "f-" and hex digits, made by the node that takes the order.</summary>
public static class FaultIds
{
    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string New() => $"f-{Guid.NewGuid():N}"[..14];

    public static bool IsValid(string? id) =>
        id is { Length: >= 3 and <= 34 } && id.StartsWith("f-", StringComparison.Ordinal) && !id.AsSpan(2).ContainsAnyExcept(Hex);
}
