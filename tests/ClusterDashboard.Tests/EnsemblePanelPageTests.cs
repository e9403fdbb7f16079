using ClusterDashboard.Testing;
using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>The page's ensemble panel and stale banner against a real three-server ensemble.</summary>
public sealed class EnsemblePanelPageTests
{
    private const float Timeout = 20_000;

    [Fact]
    public async Task The_ensemble_shows_its_leader_and_followers_marks_a_killed_server_down_and_a_lost_quorum_raises_the_stale_banner()
    {
        await using var ensemble = await ZooKeeperCluster.StartAsync(3);
        await using var nodes = new DashboardCluster(ensemble.ConnectString + TestPaths.Unique("ensemble-page"), 2);
        await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, TimeSpan.FromSeconds(30), "a leader is elected");
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(nodes.All[0].Url);

        var servers = page.GetByTestId("ensemble-server");
        await Assertions.Expect(servers).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("[data-testid=ensemble-server][data-mode=leader]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("[data-testid=ensemble-server][data-mode=follower]")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        // Whose sessions are where: every node's participant and observer sessions are on some server.
        await Assertions.Expect(page.GetByTestId("ensemble")).ToContainTextAsync("node-1's participant session", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("ensemble")).ToContainTextAsync("node-2's observer session", new() { Timeout = Timeout });
        await page.GetByTestId("ensemble").ScreenshotAsync(new() { Path = Browser.ScreenshotPath("ensemble.png") });

        // A follower killed: down. Then the other two paused (no quorum left): this node's view is stale, and says so.
        var leaderAddress = await page.Locator("[data-testid=ensemble-server][data-mode=leader]").GetAttributeAsync("data-address");
        var follower = ensemble.Servers.First(s => s.Address != leaderAddress);
        await follower.KillAsync();
        await Assertions.Expect(page.Locator($"[data-testid=ensemble-server][data-address='{follower.Address}']")).ToHaveAttributeAsync("data-mode", "down", new() { Timeout = Timeout });
        var rest = ensemble.Servers.Where(s => s != follower).ToList();
        try
        {
            foreach (var server in rest)
            {
                await server.PauseAsync();
            }

            await Assertions.Expect(page.GetByTestId("stale-banner")).ToBeVisibleAsync(new() { Timeout = Timeout });
            await Assertions.Expect(page.Locator(".view-stale")).ToHaveCountAsync(1);
            await Browser.ScreenshotAsync(page, "stale-quorum-lost.png");
        }
        finally
        {
            foreach (var server in rest)
            {
                await server.ResumeAsync();
            }
        }

        await Assertions.Expect(page.GetByTestId("stale-banner")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
    }
}
