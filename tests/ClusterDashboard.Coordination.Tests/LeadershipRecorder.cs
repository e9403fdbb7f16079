using System.Diagnostics;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>
/// Records every participant's leadership intervals, with epochs, on one monotonic clock, so a test can check that no
/// two participants ever believed they led at the same time and that epochs only grow.
/// </summary>
internal sealed class LeadershipRecorder
{
    private readonly Lock _lock = new();
    private readonly List<Interval> _closed = [];
    private readonly Dictionary<string, Interval> _open = [];

    public void Watch(IElectionParticipant participant, string name)
    {
        participant.LeadershipChanged += change =>
        {
            var now = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                if (_open.Remove(name, out var open))
                {
                    _closed.Add(open with { End = now });
                }

                if (change.State == LeadershipState.Leader)
                {
                    _open[name] = new Interval(name, change.Epoch ?? -1, now, long.MaxValue);
                }
            }
        };
    }

    public IReadOnlyList<Interval> Intervals
    {
        get
        {
            lock (_lock)
            {
                return [.. _closed, .. _open.Values];
            }
        }
    }

    /// <summary>Pairs of intervals of different participants that overlap: must be none.</summary>
    public IReadOnlyList<(Interval, Interval)> Overlaps()
    {
        var all = Intervals.OrderBy(i => i.Start).ToList();
        var overlaps = new List<(Interval, Interval)>();
        for (var i = 0; i < all.Count; i++)
        {
            for (var j = i + 1; j < all.Count && all[j].Start < all[i].End; j++)
            {
                if (all[j].Participant != all[i].Participant)
                {
                    overlaps.Add((all[i], all[j]));
                }
            }
        }

        return overlaps;
    }

    /// <summary>Epochs in the order leadership began: a later leader never has a lower epoch, and a new participant
    /// taking over always has a higher one.</summary>
    public bool EpochsIncrease()
    {
        var all = Intervals.OrderBy(i => i.Start).ToList();
        for (var i = 1; i < all.Count; i++)
        {
            var sameLeaderResuming = all[i].Participant == all[i - 1].Participant && all[i].Epoch == all[i - 1].Epoch;
            if (!sameLeaderResuming && all[i].Epoch <= all[i - 1].Epoch)
            {
                return false;
            }
        }

        return true;
    }

    public sealed record Interval(string Participant, long Epoch, long Start, long End);
}
