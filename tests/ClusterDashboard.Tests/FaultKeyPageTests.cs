using System.Net.Http.Json;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>The page's fault buttons go the way REST orders go: through the target's rules. In a real browser, on
/// real nodes with credentials.</summary>
public sealed class FaultKeyPageTests(StandaloneZooKeeperFixture zookeeper, ChromiumFixture chromium) : IClassFixture<StandaloneZooKeeperFixture>, IClassFixture<ChromiumFixture>
{
    private const string Key = "page-key-4f1a9c-7d2e";
    private const float Timeout = 20_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task With_an_api_key_set_the_buttons_ask_for_it_refuse_a_wrong_one_with_a_message_and_work_with_the_right_one()
    {
        var settings = new Dictionary<string, string?> { ["Faults:Enabled"] = "true", ["Faults:ApiKey"] = Key };
        await using var nodes = new DashboardCluster(zookeeper.ConnectString + TestPaths.Unique("key-page"), 2, TimeSpan.FromSeconds(3), settings);
        await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct) is not null, Deadline, "a leader is elected");
        // Closed before the nodes stop: an open circuit would hold up their shutdown.
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1200 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(nodes.All[0].Url);
        await Assertions.Expect(page.Locator("[data-testid=dashboard][data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(page.GetByTestId("member")).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Eventually.UntilAsync(_ => Task.FromResult(nodes.All[0].Observer.Current.Members.Count(m => m.Faults is not null) == 2), Deadline, "both published what they accept");
        var input = page.Locator("input[data-testid=api-key-input], [data-testid=api-key-input] input");

        // A key for this node is checked here, before anything is ordered.
        await FaultMenu.OrderAsync(page, "crash", "node-1");
        await input.FillAsync("not-the-key-at-all");
        await page.GetByTestId("api-key-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("api-key-error")).ToContainTextAsync("not node-1's API key", new() { Timeout = Timeout });
        await Browser.ScreenshotAsync(page, "fault-key-wrong.png");
        await page.GetByTestId("api-key-cancel").ClickAsync();
        await Assertions.Expect(input).ToHaveCountAsync(0);

        // A key for another node is checked by that node: refused with its reason, and asked for again next time.
        await FaultMenu.OrderAsync(page, "crash", "node-2");
        await input.FillAsync("not-the-key-at-all");
        await page.GetByTestId("api-key-submit").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("refused: the order did not carry node-2's API key", new() { Timeout = Timeout });
        Assert.DoesNotContain(ClusterHistoryBuilder.Build(nodes.All[0].Observer.Tree).Faults, f => f.NodeId == "node-2" && f.CarriedOut);
        Assert.Null(nodes.All[1].Services.GetRequiredService<ClusterNode>().Fault);

        await FaultMenu.OrderAsync(page, "crash", "node-2");
        await input.FillAsync(Key);
        await page.GetByTestId("api-key-submit").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=member][data-node-id=node-2] [data-state=crashed]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await Assertions.Expect(input).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "fault-key-right.png");
        // Kept for the browser session: the next button works without asking again.
        await page.Locator("[data-testid=fault-recover][data-node-id=node-2]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=member][data-node-id=node-2] [data-state=crashed]")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await Assertions.Expect(input).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_node_that_does_not_accept_faults_has_no_buttons_on_another_nodes_page()
    {
        var connectString = zookeeper.ConnectString + TestPaths.Unique("off-page");
        await using var open = new DashboardNode("node-1", connectString, TimeSpan.FromSeconds(3), new Dictionary<string, string?> { ["Faults:Enabled"] = "true" }).Start();
        await using var closed = new DashboardNode("node-2", connectString, TimeSpan.FromSeconds(3), new Dictionary<string, string?> { ["Faults:Enabled"] = "false" }).Start();
        await Eventually.UntilAsync(_ => Task.FromResult(open.Observer.Current.Members.Count(m => m.Faults is not null) == 2), Deadline, "both published what they accept");
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync(open.Url);
        await Assertions.Expect(page.Locator("[data-testid=member][data-node-id=node-2] [data-testid=faults-off]")).ToHaveCountAsync(1, new() { Timeout = Timeout });

        Assert.Equal(0, await page.Locator("[data-node-id=node-2][data-testid^=fault-]").CountAsync());
        Assert.True(await page.Locator("[data-node-id=node-1][data-testid=fault-menu]").CountAsync() == 1, "node-1 still has its fault menu");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await closed.Http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/node", UriKind.Relative))).GetProperty("fault").ValueKind);
        await Browser.ScreenshotAsync(page, "faults-off.png");
    }
}
