using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Testing;
using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>Breaking the cluster from the page, in a real browser, on three real nodes.</summary>
public sealed class FaultButtonsPageTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private const float Timeout = 20_000;

    [Fact]
    public async Task Crashing_the_leader_from_the_page_shows_the_new_leader_and_the_failover_in_the_history()
    {
        var faultsOn = new Dictionary<string, string?> { ["Faults:Enabled"] = "true" };
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("buttons"), 3, TimeSpan.FromSeconds(2), faultsOn);
        var leader = await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, TimeSpan.FromSeconds(20), "a leader is elected");
        var follower = nodes.All.First(n => n.NodeId != leader!.NodeId);
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1300 } });
        await page.GotoAsync(follower.Url);
        var leaderId = page.GetByTestId("leader-node-id");
        await Assertions.Expect(leaderId).ToHaveTextAsync(leader!.NodeId, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("[data-testid=dashboard][data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("member")).ToHaveCountAsync(3, new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(page, "fault-before.png");

        await FaultMenu.OrderAsync(page, "crash", leader.NodeId);

        await Assertions.Expect(page.Locator($"[data-testid=member][data-node-id={leader.NodeId}] [data-state=crashed]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(leaderId).Not.ToHaveTextAsync(leader.NodeId, new() { Timeout = Timeout });
        await Assertions.Expect(leaderId).Not.ToHaveTextAsync("none", new() { Timeout = Timeout });
        var entry = page.GetByTestId("history-entry").Filter(new() { HasText = $"crash of {leader.NodeId}" });
        await Assertions.Expect(entry).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(entry).ToContainTextAsync(" ms", new() { Timeout = Timeout });
        // The timeline shows the fault on the old leader's lane and the failover's three phases, blamed on it.
        await Assertions.Expect(page.Locator($"[data-testid=timeline-lane][data-node-id={leader.NodeId}] [data-testid=timeline-fault][data-kind=crash]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var failover = page.Locator($"[data-testid=timeline-failover][data-cause='crash of {leader.NodeId}']");
        await Assertions.Expect(failover).ToHaveCountAsync(1, new() { Timeout = Timeout });
        foreach (var phase in new[] { "detection", "election", "seen" })
        {
            await Assertions.Expect(failover.Locator($"[data-testid=timeline-phase][data-phase={phase}]")).ToHaveCountAsync(1);
        }

        await Assertions.Expect(page.Locator($"[data-testid=timeline-lane][data-node-id={leader.NodeId}] [data-testid=timeline-span][data-state=crashed]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await page.Locator("[data-testid=timeline-window][data-minutes='1']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("timeline")).ToHaveAttributeAsync("data-window", "1");
        await page.GetByTestId("timeline").ScreenshotAsync(new() { Path = Browser.ScreenshotPath("timeline.png") });

        // The log tells it as a sentence, and folds the routine rewrites of status records until asked.
        var said = page.Locator("[data-testid=event][data-topic=faults]").Filter(new() { HasText = $"crash injected on {leader.NodeId} for 10 s by {follower.NodeId}" });
        await Assertions.Expect(said).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("[data-testid=event][data-topic=routine]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=event-filter][data-topic=routine]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=event][data-topic=routine]").Filter(new() { HasText = "updated its status" }).First).ToBeVisibleAsync(new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(page, "fault-after.png");
        // README's picture comes from this real run: UPDATE_README_PICTURE=1 writes it over wwwroot/images/dashboard.png.
        if (Environment.GetEnvironmentVariable("UPDATE_README_PICTURE") == "1")
        {
            await page.Locator("[data-testid=event-filter][data-topic=routine]").ClickAsync(); // fold the routine again
            // One tall window rather than a full-page capture, which would paint the fixed app bar mid-page.
            await page.SetViewportSizeAsync(1500, await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight"));
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await page.ScreenshotAsync(new() { Path = Browser.ReadmePicturePath });
        }
    }

    [Theory]
    [InlineData("crash", "crashed")]
    [InlineData("partition", "partitioned")]
    [InlineData("partition-oneway", "partitioned")]
    [InlineData("latency", "slowed")]
    [InlineData("pause", "paused")]
    [InlineData("leave", "left")]
    public async Task Each_kind_from_the_page_puts_its_target_in_its_state_and_recover_brings_it_back(string kind, string state)
    {
        var faultsOn = new Dictionary<string, string?> { ["Faults:Enabled"] = "true" };
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique($"page-{kind}"), 2, TimeSpan.FromSeconds(3), faultsOn);
        var leader = await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, TimeSpan.FromSeconds(20), "a leader is elected");
        var target = nodes.All.First(n => n.NodeId != leader!.NodeId).NodeId;
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1100 } });
        await page.GotoAsync(nodes.All[0].Url);
        await Assertions.Expect(page.Locator("[data-testid=dashboard][data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var member = page.Locator($"[data-testid=member][data-node-id={target}]");
        await Assertions.Expect(member.Locator("[data-state=follower]")).ToHaveCountAsync(1, new() { Timeout = Timeout });

        // Long enough that only the recover button ends it.
        await page.Locator("input[data-testid=fault-duration], [data-testid=fault-duration] input").FillAsync("60");
        await FaultMenu.OrderAsync(page, kind, target);

        await Assertions.Expect(member.Locator($"[data-state={state}]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(page, $"fault-{kind}.png");
        await page.Locator($"[data-testid=fault-recover][data-node-id={target}]").ClickAsync();
        await Assertions.Expect(member.Locator("[data-state=follower]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var history = ClusterHistoryBuilder.Build(nodes.All[0].Observer.Tree).Faults;
        Assert.Contains(history, f => f.NodeId == target && f.Kind?.Name() == kind && f.CarriedOut);
    }

    [Fact]
    public async Task Resign_from_the_page_hands_the_lead_to_the_other_node()
    {
        var faultsOn = new Dictionary<string, string?> { ["Faults:Enabled"] = "true" };
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("page-resign"), 2, TimeSpan.FromSeconds(3), faultsOn);
        var leader = await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, TimeSpan.FromSeconds(20), "a leader is elected");
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1100 } });
        await page.GotoAsync(nodes.All[0].Url);
        await Assertions.Expect(page.Locator("[data-testid=dashboard][data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("leader-node-id")).ToHaveTextAsync(leader!.NodeId, new() { Timeout = Timeout });

        await FaultMenu.OrderAsync(page, "resign", leader.NodeId);

        await Assertions.Expect(page.GetByTestId("leader-node-id")).Not.ToHaveTextAsync(leader.NodeId, new() { Timeout = Timeout });
        Assert.NotEqual(leader.NodeId, (await nodes.All[0].Http.GetLeaderAsync())!.NodeId);
    }

    [Fact]
    public async Task Without_fault_injection_enabled_the_page_has_no_fault_buttons()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        var url = app.StartKestrel();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();

        await page.GotoAsync(url.ToString());
        await Assertions.Expect(page.GetByTestId("member")).ToHaveCountAsync(2, new() { Timeout = Timeout });

        Assert.Equal(0, await page.Locator("[data-testid^=fault-]").CountAsync());
    }
}
