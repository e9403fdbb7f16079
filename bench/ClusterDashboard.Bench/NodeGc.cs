using System.Globalization;

namespace ClusterDashboard.Bench;

/// <summary>A node's garbage collections so far, by generation, and the time they paused it, from its own metrics
/// (OpenTelemetry's runtime instrumentation): a blocking collection stops every thread of the node, so where a
/// failover's tail is one node's, this says whether a collection could be it.</summary>
internal sealed record NodeGc(long Gen0, long Gen1, long Gen2, double PausedMs)
{
    public static async Task<NodeGc> ReadAsync(HttpClient http, NodeProcess node)
    {
        var metrics = await NodeMetrics.ReadAsync(http, node.Url);
        long Collections(string generation) => (long)metrics.Sum($"dotnet_gc_collections_total{{otel_scope_name=\"System.Runtime\",gc_heap_generation=\"{generation}\"}}");
        return new NodeGc(Collections("gen0"), Collections("gen1"), Collections("gen2"), metrics.Sum("dotnet_gc_pause_time_seconds_total{") * 1000);
    }

    public long Collections => Gen0 + Gen1 + Gen2;

    public NodeGc Since(NodeGc before) => new(Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, PausedMs - before.PausedMs);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Gen0}/{Gen1}/{Gen2}, {PausedMs:F0} ms paused");
}
