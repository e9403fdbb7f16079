namespace ClusterDashboard.Bench;

/// <summary>The one way the benchmarks read a percentile off their samples.</summary>
internal static class Percentiles
{
    /// <summary>The sample at rank floor(n × p) of the sorted values (p in 0..1); 0 without samples.</summary>
    public static double Of(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(sorted.Count * p))];
    }
}
