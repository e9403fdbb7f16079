using System.Diagnostics;

namespace ClusterDashboard.Bench;

/// <summary>Collects latency samples from many workers without locks.</summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly long[] _samples = new long[capacity];
    private long _count;
    private long _ops;
    private long _errors;

    public volatile bool Measuring;

    public void Record(long startTimestamp, int requests)
    {
        if (!Measuring)
        {
            return;
        }

        Interlocked.Add(ref _ops, requests);
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _samples.Length)
        {
            _samples[index] = Stopwatch.GetTimestamp() - startTimestamp;
        }
    }

    public void Error() => Interlocked.Increment(ref _errors);

    public Measurement Result(TimeSpan elapsed)
    {
        var n = (int)Math.Min(Interlocked.Read(ref _count), _samples.Length);
        var sorted = _samples.AsSpan(0, n).ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => n == 0 ? 0 : sorted[(int)Math.Min(n - 1, Math.Floor(n * p))] * 1e6 / Stopwatch.Frequency;
        return new Measurement(Interlocked.Read(ref _ops) / elapsed.TotalSeconds, Percentile(0.50), Percentile(0.99), Interlocked.Read(ref _errors));
    }
}
