using System.Diagnostics;
using Span = ClusterDashboard.Testing.Chaos.LeadershipHistory.Span;

namespace ClusterDashboard.Testing.Chaos;

/// <summary>
/// Reads the recorded history and says what went wrong: two nodes that were not paused believing they led at the same
/// moment (zero tolerance), a new leader whose token is not above every earlier one, and how much of the time the
/// cluster owed a leader it had one.
/// </summary>
public static class ChaosChecker
{
    /// <param name="At">Where the unexcused overlap begins, on the history's clock.</param>
    public sealed record Overlap(LeadershipHistory.Term First, LeadershipHistory.Term Second, TimeSpan Length, long At);

    /// <param name="Gaps">The stretches in which a leader was owed and none led, longest first (at most
    /// <see cref="GapsKept"/>): where the availability went.</param>
    public sealed record Verdict(IReadOnlyList<Overlap> Overlaps, IReadOnlyList<string> TokenErrors, int TermsChecked, int PairsChecked, TimeSpan LeaderTime, TimeSpan OwedTime, TimeSpan OwedLeaderTime, TimeSpan Observed)
    {
        public IReadOnlyList<Span> Gaps { get; init; } = [];

        /// <summary>Of the time the cluster owed a leader, the share in which some node led.</summary>
        public double Availability => OwedTime > TimeSpan.Zero ? OwedLeaderTime / OwedTime : 1;

        /// <summary>Of all the time observed, the share in which some node led, excuses or not.</summary>
        public double RawAvailability => Observed > TimeSpan.Zero ? LeaderTime / Observed : 1;
    }

    public static Verdict Check(LeadershipHistory history, long from, long until)
    {
        ArgumentNullException.ThrowIfNull(history);
        var terms = history.Terms(until).Where(t => t.End > from).ToList();
        var overlaps = new List<Overlap>();
        var pairs = 0;
        for (var i = 0; i < terms.Count; i++)
        {
            for (var j = i + 1; j < terms.Count && terms[j].Start < terms[i].End; j++)
            {
                if (terms[j].Node == terms[i].Node)
                {
                    continue;
                }

                pairs++;
                // A paused node's stale belief is allowed while it is paused: it cannot act on it (the fenced register
                // checks that it did not). What is left of the overlap outside both nodes' pauses must be nothing.
                var shared = new Span(Math.Max(terms[i].Start, terms[j].Start), Math.Min(terms[i].End, terms[j].End));
                var excused = history.PausesOf(terms[i].Node, until).Concat(history.PausesOf(terms[j].Node, until));
                var pauses = Union(excused);
                var left = Uncovered(shared, pauses);
                if (left > 0)
                {
                    overlaps.Add(new Overlap(terms[i], terms[j], Stopwatch.GetElapsedTime(0, left), FirstUncovered(shared, pauses)));
                }
            }
        }

        // Tokens: every term that is not the same node resuming its own term has a token above all before it.
        var tokenErrors = new List<string>();
        var highest = long.MinValue;
        LeadershipHistory.Term? previous = null;
        foreach (var term in terms)
        {
            var resuming = previous is not null && previous.Node == term.Node && previous.Token == term.Token;
            if (!resuming && term.Token <= highest)
            {
                tokenErrors.Add($"{term.Node} led with token {term.Token} after a token of {highest} had led");
            }

            highest = Math.Max(highest, term.Token);
            previous = term;
        }

        var leading = Union(terms.Select(t => new Span(Math.Max(t.Start, from), Math.Min(t.End, until))));
        var excusedSpans = Union(history.Excused.Select(s => new Span(Math.Max(s.Start, from), Math.Min(s.End, until))));
        var observed = new Span(from, until);
        var owed = observed.Length - Covered(observed, excusedSpans);
        var owedLeading = Covered(observed, leading) - Intersection(leading, excusedSpans);
        var gaps = Subtract(Subtract([observed], excusedSpans), leading).OrderByDescending(g => g.Length).Take(GapsKept).ToList();
        return new Verdict(
            overlaps,
            tokenErrors,
            terms.Count,
            pairs,
            Ticks(Covered(observed, leading)),
            Ticks(owed),
            Ticks(owedLeading),
            Ticks(observed.Length))
        { Gaps = gaps };
    }

    public const int GapsKept = 10;

    // What of spans lies outside every one of the covers (both lists ordered, the covers disjoint).
    private static List<Span> Subtract(List<Span> spans, List<Span> covers)
    {
        var left = new List<Span>();
        foreach (var span in spans)
        {
            var at = span.Start;
            foreach (var cover in covers.Where(c => c.End > span.Start && c.Start < span.End))
            {
                if (cover.Start > at)
                {
                    left.Add(new Span(at, cover.Start));
                }

                at = Math.Max(at, cover.End);
            }

            if (at < span.End)
            {
                left.Add(new Span(at, span.End));
            }
        }

        return left;
    }

    private static TimeSpan Ticks(long timestamps) => Stopwatch.GetElapsedTime(0, timestamps);

    // How much of span lies outside every one of the covers.
    private static long Uncovered(Span span, List<Span> union) => span.Length - Covered(span, union);

    private static long FirstUncovered(Span span, List<Span> union)
    {
        var at = span.Start;
        foreach (var cover in union.Where(u => u.End > span.Start).OrderBy(u => u.Start))
        {
            if (cover.Start > at)
            {
                break;
            }

            at = Math.Max(at, cover.End);
        }

        return at;
    }

    private static long Covered(Span span, List<Span> union) =>
        union.Sum(u => new Span(Math.Max(u.Start, span.Start), Math.Min(u.End, span.End)).Length);

    private static long Intersection(List<Span> a, List<Span> b) => a.Sum(x => Covered(x, b));

    private static List<Span> Union(IEnumerable<Span> spans)
    {
        var merged = new List<Span>();
        foreach (var span in spans.Where(s => s.Length > 0).OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
            {
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, span.End) };
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }
}
