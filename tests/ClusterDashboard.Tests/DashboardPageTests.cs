using ClusterDashboard.Testing;
using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>The page at / in a real browser, on three real nodes.</summary>
public sealed class DashboardPageTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private const float Timeout = 20_000;

    [Fact]
    public async Task A_follower_page_shows_the_leader_then_the_new_leader_after_the_leader_stops()
    {
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("page"), 3);
        var leader = await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, TimeSpan.FromSeconds(20), "a leader is elected");
        var follower = nodes.All.First(n => n.NodeId != leader!.NodeId);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });

        await page.GotoAsync(follower.Url);
        var leaderId = page.GetByTestId("leader-node-id");
        await Assertions.Expect(leaderId).ToHaveTextAsync(leader!.NodeId, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("member")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(page, "leader-before.png");

        await nodes.StopAsync(leader.NodeId);

        // The page updates itself over its circuit: no reload.
        await Assertions.Expect(leaderId).Not.ToHaveTextAsync(leader.NodeId, new() { Timeout = Timeout });
        await Assertions.Expect(leaderId).Not.ToHaveTextAsync("none", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        var newLeader = await leaderId.InnerTextAsync();
        Assert.Contains(newLeader, nodes.All.Select(n => n.NodeId));
        var epoch = long.Parse(await page.GetByTestId("leader-epoch").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(epoch > leader.Epoch, $"epoch {epoch} must exceed {leader.Epoch}");
        // Stopped without any fault ordered: the failover is nobody's fault, and says so.
        var failover = page.Locator($"[data-testid=history-entry][data-epoch='{epoch}']");
        await Assertions.Expect(failover.GetByTestId("history-cause")).ToHaveTextAsync("unplanned", new() { Timeout = Timeout });
        await Assertions.Expect(failover).ToContainTextAsync(leader.NodeId);
        await Assertions.Expect(page.Locator($"[data-testid=timeline-failover][data-epoch='{epoch}']")).ToHaveAttributeAsync("data-cause", "unplanned", new() { Timeout = Timeout });
        // The nodes still up published what they believe, and it matches ZooKeeper's queue.
        await Assertions.Expect(page.GetByTestId("belief")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator($"[data-testid=belief][data-node-id={newLeader}]")).ToContainTextAsync("leader", new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("belief-panel")).ToHaveAttributeAsync("data-disagreements", "0", new() { Timeout = Timeout });
        // The stopped node's znodes went with its sessions; the page still lists it as down until told to forget it.
        var departed = page.Locator($"[data-testid=departed-member][data-node-id={leader.NodeId}]");
        await Assertions.Expect(departed).ToContainTextAsync("last seen", new() { Timeout = Timeout });
        await Assertions.Expect(departed.Locator("[data-state=down]")).ToHaveCountAsync(1);
        await Browser.ScreenshotAsync(page, "leader-after.png");
        await departed.GetByTestId("forget-member").ClickAsync();
        await Assertions.Expect(departed).ToHaveCountAsync(0, new() { Timeout = Timeout });
    }
}
