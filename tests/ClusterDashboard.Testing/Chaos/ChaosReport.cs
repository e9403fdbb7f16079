using System.Globalization;
using System.Text;

namespace ClusterDashboard.Testing.Chaos;

/// <summary>What a campaign found, in figures, and whether it passed.</summary>
public sealed record ChaosReport(
    ChaosOptions Options,
    IReadOnlyDictionary<ChaosFaultKind, int> FaultsByKind,
    ChaosChecker.Verdict Verdict,
    FencedRegisterFigures Register,
    TimeSpan LongestAgreement,
    IReadOnlyList<string> MissedAgreements,
    TimeSpan Elapsed)
{
    public const double AvailabilityTarget = 0.95;

    public long ChecksMade => Verdict.TermsChecked + Verdict.PairsChecked + Register.Verified + FaultsByKind.Values.Sum();

    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            failures.AddRange(Verdict.Overlaps.Select(o => $"overlap of {o.Length.TotalMilliseconds:F1} ms: {o.First.Node} (token {o.First.Token}) and {o.Second.Node} (token {o.Second.Token})"));
            failures.AddRange(Verdict.TokenErrors);
            failures.AddRange(Register.StaleWrites);
            failures.AddRange(MissedAgreements);
            if (Verdict.Availability < AvailabilityTarget)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"availability {Verdict.Availability:P1} is below {AvailabilityTarget:P0}"));
            }

            return failures;
        }
    }

    public string Summary()
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"chaos campaign: seed {Options.Seed}, {FaultsByKind.Values.Sum()} faults, {Options.Nodes} nodes (odd: standard policy, even: session-only), 3 ZooKeeper servers, session timeout {Options.SessionTimeout.TotalSeconds:F1} s, {Elapsed.TotalMinutes:F1} min");
        s.AppendLine(inv, $"  faults by kind:  {string.Join(", ", FaultsByKind.OrderByDescending(k => k.Value).Select(k => $"{ChaosFault.Name(k.Key)} {k.Value}"))}");
        s.AppendLine(inv, $"  checks made:     {ChecksMade} ({Verdict.TermsChecked} leadership terms, {Verdict.PairsChecked} overlapping pairs, {Register.Verified} register writes, {FaultsByKind.Values.Sum()} agreements)");
        var longest = Verdict.Overlaps.Count == 0 ? 0 : Verdict.Overlaps.Max(o => o.Length.TotalMilliseconds);
        s.AppendLine(inv, $"  overlaps:        {Verdict.Overlaps.Count} (longest {longest:F1} ms)");
        s.AppendLine(inv, $"  stale-token writes accepted: {Register.StaleWrites.Count} (of {Register.Verified} in the register; writers heard {Register.Accepted} accepted, {Register.Refused} refused)");
        s.AppendLine(inv, $"  token order:     {(Verdict.TokenErrors.Count == 0 ? "strictly increasing" : $"{Verdict.TokenErrors.Count} errors")}");
        s.AppendLine(inv, $"  longest agreement after a heal: {LongestAgreement.TotalMilliseconds:F0} ms (bound {Options.AgreementBound.TotalMilliseconds:F0} ms; missed {MissedAgreements.Count})");
        s.AppendLine(inv, $"  availability:    {Verdict.Availability:P2} of the time a leader was owed ({Verdict.OwedTime.TotalSeconds:F0} s: all but quorum losses and the {Options.FailoverBound.TotalMilliseconds:F0} ms after a fault at the leader or a server; target {AvailabilityTarget:P0}); {Verdict.RawAvailability:P1} of all the time");
        s.Append(inv, $"  result:          {(Failures.Count == 0 ? "PASS" : $"FAIL ({Failures.Count})")}; replay with seed {Options.Seed}");
        return s.ToString();
    }
}

public sealed record FencedRegisterFigures(long Verified, long Accepted, long Refused, IReadOnlyList<string> StaleWrites);
