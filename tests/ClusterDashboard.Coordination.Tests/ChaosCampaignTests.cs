using System.Globalization;
using ClusterDashboard.Testing.Chaos;
using Xunit.Abstractions;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>A seeded slice of the fault campaign (the full one is `bench -- chaos`): every kind of fault, silent ones
/// included, against the product's node code on a real ensemble.</summary>
public sealed class ChaosCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sixty_faults_of_every_kind_leave_no_two_leaders_no_stale_write_and_agreement_within_the_bound()
    {
        // Fixed so that a failure replays; CHAOS_SEED tries another schedule.
        var seed = Environment.GetEnvironmentVariable("CHAOS_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 20261201;
        var report = await ChaosCampaign.RunAsync(new ChaosOptions { Seed = seed, Faults = 60, Log = output.WriteLine });

        output.WriteLine(report.Summary());
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures)); // whole, not cut to a line as Assert.Empty does
        Assert.Equal(Enum.GetValues<ChaosFaultKind>().Order(), report.FaultsByKind.Keys.Order()); // every kind came up
        Assert.True(report.Register.Verified > 100, "leaders wrote to the register throughout");
        Assert.True(report.Verdict.TermsChecked > 10, "leadership changed hands again and again");
    }
}
