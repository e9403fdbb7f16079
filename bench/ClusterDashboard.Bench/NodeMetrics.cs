using System.Globalization;

namespace ClusterDashboard.Bench;

/// <summary>A node's own metrics as it serves them (/metrics, the Prometheus text format OpenTelemetry writes), read
/// once: the benchmarks take what they report about a node's GC and pages from the node itself.</summary>
internal sealed class NodeMetrics
{
    private readonly string[] _lines;

    private NodeMetrics(string[] lines) => _lines = lines;

    public static async Task<NodeMetrics> ReadAsync(HttpClient http, Uri node) =>
        new((await http.GetStringAsync(new Uri(node, "/metrics"))).Split('\n'));

    /// <summary>The sum over every series whose line starts with <paramref name="series"/>: a metric's name followed by
    /// "{" for all its series, or by the start of its labels for some; 0 when none is there (yet).</summary>
    public double Sum(string series) => _lines.Where(l => l.StartsWith(series, StringComparison.Ordinal)).Sum(Value);

    // "name{labels} value" or "name value"; a label's value may hold spaces, so the value is what follows the labels.
    private static double Value(string line)
    {
        var labelsEnd = line.LastIndexOf('}');
        var rest = (labelsEnd >= 0 ? line[(labelsEnd + 1)..] : line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Trim();
        return double.Parse(rest.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
