using System.Text.RegularExpressions;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Testing;
using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>The page at / in a real browser over a hand-set cluster: what it shows, and that it follows changes
/// over its circuit without a reload. No ZooKeeper needed.</summary>
public sealed class DashboardPageWithFakesTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    // A pushed change shows within moments (5 s leaves room for a busy CI machine; the fake changes only when told);
    // the first load gets longer, as it starts the app.
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 5_000 };
    private static readonly LocatorAssertionsToHaveTextOptions Load = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 5_000 };

    [Fact]
    public async Task Page_shows_the_leader_the_watch_chain_the_members_and_this_nodes_state()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)), State = LeadershipState.Follower };
        await using var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;

        await Assertions.Expect(page.GetByTestId("leader-node-id")).ToHaveTextAsync("node-2", Load);
        await Assertions.Expect(page.GetByTestId("leader-epoch")).ToHaveTextAsync(ClusterViews.Czxid(7).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("leader-sequence")).ToHaveTextAsync("#7");
        await Assertions.Expect(page.GetByTestId("local-state")).ToContainTextAsync("follower");
        var candidates = page.GetByTestId("candidate");
        await Assertions.Expect(candidates).ToHaveCountAsync(3);
        await Assertions.Expect(candidates.Nth(0)).ToHaveAttributeAsync("data-znode", ClusterViews.Znode("node-2", 7));
        await Assertions.Expect(candidates.Nth(1)).ToContainTextAsync("watches");
        await Assertions.Expect(candidates.Nth(1).GetByTestId("watching")).ToHaveAttributeAsync("data-znode", ClusterViews.Znode("node-2", 7));
        await Assertions.Expect(candidates.Nth(2).GetByTestId("watching")).ToHaveAttributeAsync("data-znode", ClusterViews.Znode("node-1", 8));
        await Assertions.Expect(page.GetByTestId("member")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-testid=member][data-node-id=node-2]")).ToContainTextAsync("leader");
        await Browser.ScreenshotAsync(page, "dashboard-fake.png");
        await page.SetViewportSizeAsync(420, 900);
        await Browser.ScreenshotAsync(page, "dashboard-fake-narrow.png");
    }

    [Fact]
    public async Task Page_follows_a_failover_live_without_a_reload()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)) };
        await using var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;
        await Assertions.Expect(page.GetByTestId("leader-node-id")).ToHaveTextAsync("node-2", Load);
        await WaitForCircuitAsync(page);
        // Gone if the page reloads: what follows must arrive over the open circuit.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        fake.Touch(new ZnodeChange("/election/" + ClusterViews.Znode("node-2", 7), ZnodeChangeKind.Deleted, ClusterViews.At.AddSeconds(1)));
        fake.Publish(ClusterViews.Chain(("node-1", 8), ("node-3", 9)) with { ObservedAt = ClusterViews.At.AddSeconds(1) });
        fake.Transition(new LeadershipChange(LeadershipState.Leader, ClusterViews.Czxid(8), ClusterViews.Znode("node-1", 8), ClusterViews.At.AddSeconds(1)));

        await Assertions.Expect(page.GetByTestId("leader-node-id")).ToHaveTextAsync("node-1", Live);
        await Assertions.Expect(page.GetByTestId("leader-epoch")).ToHaveTextAsync(ClusterViews.Czxid(8).ToString(System.Globalization.CultureInfo.InvariantCulture), Live);
        await Assertions.Expect(page.GetByTestId("leader-sequence")).ToHaveTextAsync("#8", Live);
        await Assertions.Expect(page.GetByTestId("local-state")).ToContainTextAsync("leader", new() { Timeout = 5_000 });
        await Assertions.Expect(page.GetByTestId("local-state")).ToHaveClassAsync(new Regex("mud-chip-color-success"));
        await Assertions.Expect(page.Locator("[data-testid=member][data-node-id=node-1] .mud-chip")).ToHaveClassAsync(new Regex("mud-chip-color-success"));
        await Assertions.Expect(page.Locator("[data-testid=member][data-node-id=node-3] .mud-chip")).ToHaveClassAsync(new Regex("mud-chip-color-info"));
        await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(2, new() { Timeout = 5_000 });
        await Assertions.Expect(page.GetByTestId("event-log")).ToContainTextAsync("node-1 leads now", new() { Timeout = 5_000 });
        await Assertions.Expect(page.GetByTestId("event-log")).ToContainTextAsync("candidate #7 left the election queue", new() { Timeout = 5_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded instead of following the change live");
        await Browser.ScreenshotAsync(page, "dashboard-fake-after-failover.png");
    }

    [Fact]
    public async Task Page_says_none_while_there_is_no_leader()
    {
        var fake = new FakeCoordination { State = LeadershipState.Joining };
        await using var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;

        await Assertions.Expect(page.GetByTestId("leader-node-id")).ToHaveTextAsync("none", Load);
        await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "dashboard-fake-no-leader.png");
    }

    // A context per test, disposed before the app: an open circuit would hold the host's shutdown for its full timeout.
    private async Task<(IBrowserContext Context, IPage Page)> OpenAsync(Uri url, string? timeZone = null)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 }, TimezoneId = timeZone });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url.ToString());
        return (context, page);
    }

    [Fact]
    public async Task Two_nodes_believing_they_lead_light_the_belief_panel_with_a_sentence_and_agreement_clears_it()
    {
        // The queue says node-2 leads; node-3 still says it does (a forged claim, a lease not yet run out).
        var agreed = ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)) with
        {
            Beliefs = [new("node-1", NodeState.Follower, null, ClusterViews.At), new("node-2", NodeState.Leader, ClusterViews.Czxid(7), ClusterViews.At), new("node-3", NodeState.Follower, null, ClusterViews.At)],
        };
        var split = agreed with { Beliefs = [agreed.Beliefs[0], agreed.Beliefs[1], new("node-3", NodeState.Leader, ClusterViews.Czxid(3), ClusterViews.At)] };
        var fake = new FakeCoordination { Current = agreed };
        await using var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;
        await Assertions.Expect(page.GetByTestId("belief")).ToHaveCountAsync(3, new() { Timeout = 15_000 });
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("belief-panel")).ToHaveAttributeAsync("data-disagreements", "0");

        fake.Publish(split);

        var danger = page.Locator("[data-testid=disagreement][data-severity=danger]");
        await Assertions.Expect(danger.First).ToContainTextAsync("node-2 and node-3 all believe they lead", Soon);
        await Assertions.Expect(page.Locator("[data-testid=disagreement]").Filter(new() { HasText = "node-3 believes it leads" })).ToContainTextAsync("ZooKeeper's oldest candidate is node-2's", Soon);
        await Assertions.Expect(page.Locator("[data-testid=belief][data-node-id=node-3]")).ToHaveAttributeAsync("data-agrees", "false", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("[data-testid=belief][data-node-id=node-1]")).ToHaveAttributeAsync("data-agrees", "true", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("[data-testid=belief][data-node-id=node-2]")).ToHaveAttributeAsync("data-agrees", "true", new() { Timeout = 5_000 });
        await Assertions.Expect(danger.First).ToHaveTextAsync(new Regex(@"\(for \d+\.\d s\)"), Live);
        await page.GetByTestId("belief-panel").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, "belief-split.png");

        fake.Publish(agreed);
        await Assertions.Expect(page.GetByTestId("belief-panel")).ToHaveAttributeAsync("data-disagreements", "0", new() { Timeout = 5_000 });
    }

    [Fact]
    public async Task A_view_that_goes_stale_raises_the_banner_greys_the_data_and_a_silent_leader_turns_its_heartbeat_red()
    {
        var beat = DateTimeOffset.UtcNow;
        var live = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) with { Heartbeat = new HeartbeatInfo("node-2", ClusterViews.Czxid(7), beat.AddMinutes(-1), beat) };
        var fake = new FakeCoordination { Current = live };
        await using var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;
        await Assertions.Expect(page.GetByTestId("leader-node-id")).ToHaveTextAsync("node-2", Load);
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("stale-banner")).ToHaveCountAsync(0);

        // Cut off from ZooKeeper for 7 s: the same freshness the API answers 503 from.
        fake.SetFreshness = new ViewFreshness(live.Zxid, Loaded: true, Synced: false, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3));

        await Assertions.Expect(page.GetByTestId("stale-banner")).ToContainTextAsync("7000 ms ago", Soon);
        await Assertions.Expect(page.Locator(".view-stale")).ToHaveCountAsync(1);
        // The leader's last beat recedes: past the session timeout (5 s) it is red and the card says so.
        await Assertions.Expect(page.GetByTestId("leader-heartbeat")).ToHaveAttributeAsync("data-health", "dead", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("heartbeat-age")).ToContainTextAsync(new Regex(@"^\d+(\.\d)? s ago$"));
        await Browser.ScreenshotAsync(page, "stale-banner.png");

        fake.SetFreshness = null;
        await Assertions.Expect(page.GetByTestId("stale-banner")).ToHaveCountAsync(0, new() { Timeout = 5_000 });
    }

    [Theory]
    [InlineData(1400, 900)]
    [InlineData(390, 844)]
    public async Task Every_fault_is_reachable_on_screen_and_ordering_one_works(int width, int height)
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8), ("node-3", 9)) };
        await using var app = new FakeDashboard(fake, new Dictionary<string, string?>
        {
            ["ZooKeeper:ConnectString"] = "127.0.0.1:1",
            ["Cluster:NodeId"] = "node-1",
            ["Cluster:AdvertisedUrl"] = "http://n1",
            ["Faults:Enabled"] = "true",
        });
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;
        await page.SetViewportSizeAsync(width, height);
        await WaitForCircuitAsync(page);

        await Assertions.Expect(page.GetByTestId("member")).ToHaveCountAsync(3);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width, "the page itself does not scroll sideways");
        var menu = page.Locator("[data-testid=fault-menu][data-node-id=node-2] button").First;
        await menu.ScrollIntoViewIfNeededAsync();
        var box = await menu.BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= width, $"the node-2 fault menu lies within the {width} px window: {box?.X}+{box?.Width}");
        await menu.ClickAsync();
        foreach (var kind in FaultKinds.All)
        {
            var item = page.Locator($"[data-testid=fault-{kind.Name()}][data-node-id=node-2]");
            await Assertions.Expect(item).ToBeVisibleAsync();
            var itemBox = await item.BoundingBoxAsync();
            Assert.True(itemBox is not null && itemBox.X >= 0 && itemBox.X + itemBox.Width <= width + 1, $"{kind.Name()} lies within the window: {itemBox?.X}+{itemBox?.Width}");
        }

        await Browser.ScreenshotAsync(page, $"fault-menu-{width}.png");
        await page.Locator("[data-testid=fault-resign][data-node-id=node-2]").ClickAsync();

        await Eventually.UntilAsync(_ => Task.FromResult(fake.Orders.Count == 1), TimeSpan.FromSeconds(10), "the order reached the commander");
        Assert.Equal(new FaultOrder("node-2", FaultKind.Resign, null, null), fake.Orders[0]);
    }

    [Fact]
    public async Task Times_read_in_the_viewers_own_zone_with_the_date_on_hover()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        await using var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel(), timeZone: "Europe/Berlin");
        await using var _ = context;

        // The leader took over at 12:00:00 UTC: 13:00 in Berlin in November (UTC+01:00), whatever zone the server is in.
        await Assertions.Expect(page.GetByTestId("viewer-zone")).ToHaveTextAsync("times in Europe/Berlin", Load);
        await Assertions.Expect(page.GetByTestId("leader-since")).ToContainTextAsync("13:00:00.000", Soon);
        await Assertions.Expect(page.GetByTestId("leader-since")).ToHaveAttributeAsync("title", "2026-11-24 13:00:00.000 Europe/Berlin (UTC+01:00)");
    }

    [Fact]
    public async Task When_the_node_goes_away_the_page_says_so_in_its_own_words()
    {
        var fake = new FakeCoordination { Current = ClusterViews.Chain(("node-2", 7), ("node-1", 8)) };
        var app = new FakeDashboard(fake);
        var (context, page) = await OpenAsync(app.StartKestrel());
        await using var _ = context;
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("reconnect-modal")).ToBeHiddenAsync();

        await app.DisposeAsync(); // the node stops

        await Assertions.Expect(page.GetByTestId("reconnect-modal")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("reconnect-modal")).ToContainTextAsync("this node's dashboard");
        await Browser.ScreenshotAsync(page, "reconnect.png");
    }

    // The prerendered page already shows the view; changes arrive only once the interactive circuit is up.
    private static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-testid=dashboard][data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
}
