using ClusterDashboard.Coordination.FaultLinks;

namespace ClusterDashboard.Coordination.Faults;

/// <summary>What a kind of fault takes beside its duration: a one-way partition its direction, latency its delay.</summary>
/// <param name="Direction">For partition-oneway: which way is black-holed.</param>
/// <param name="LatencyMs">For latency: the delay each way, 1 to <see cref="MaxLatencyMs"/>.</param>
/// <param name="JitterMs">For latency: up to this much more or less, 0 to the latency.</param>
public sealed record FaultParameters(LinkDirection? Direction = null, int? LatencyMs = null, int? JitterMs = null)
{
    public const int MaxLatencyMs = 60_000;

    public static FaultParameters None { get; } = new();

    /// <summary>Why these parameters do not fit <paramref name="kind"/>, or null when they do.</summary>
    public string? Problem(FaultKind kind) => kind switch
    {
        FaultKind.PartitionOneWay when Direction is null => "partition-oneway needs 'direction': upstream (to ZooKeeper) or downstream (from it).",
        FaultKind.PartitionOneWay when LatencyMs is not null || JitterMs is not null => "partition-oneway takes no 'latencyMs' or 'jitterMs'.",
        FaultKind.Latency when LatencyMs is not (>= 1 and <= MaxLatencyMs) => $"latency needs 'latencyMs' between 1 and {MaxLatencyMs}; it was {LatencyMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}.",
        FaultKind.Latency when JitterMs is < 0 || JitterMs > LatencyMs => $"'jitterMs' must be between 0 and the latency ({LatencyMs} ms).",
        FaultKind.Latency when Direction is not null => "latency takes no 'direction': it delays both.",
        FaultKind.PartitionOneWay or FaultKind.Latency => null,
        _ when this != None => $"{kind.Name()} takes no 'direction', 'latencyMs' or 'jitterMs'.",
        _ => null,
    };

    public override string ToString() =>
        Direction is { } d ? d.ToString().ToLowerInvariant()
        : LatencyMs is { } l ? $"{l} ms" + (JitterMs is > 0 and var j ? $" ± {j} ms" : string.Empty)
        : string.Empty;
}

/// <summary>Strict names for link directions, as the API and the commands write them.</summary>
public static class LinkDirections
{
    public static string Name(this LinkDirection direction) => direction == LinkDirection.Upstream ? "upstream" : "downstream";

    /// <summary>Every direction's name, as the API takes them.</summary>
    public static IReadOnlyList<string> Names { get; } = [LinkDirection.Upstream.Name(), LinkDirection.Downstream.Name()];

    /// <summary>Exactly "upstream" or "downstream", in any letter case.</summary>
    public static bool TryParse(string? text, out LinkDirection direction)
    {
        direction = LinkDirection.Upstream;
        if (string.Equals(text, "upstream", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        direction = LinkDirection.Downstream;
        return string.Equals(text, "downstream", StringComparison.OrdinalIgnoreCase);
    }
}
