using ClusterDashboard.Testing;
using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>The page's znode explorer, on real nodes, following a znode written by a client nobody here wrote.</summary>
public sealed class ZnodeTreePageTests(StandaloneZooKeeperFixture zookeeper) : IClassFixture<StandaloneZooKeeperFixture>
{
    private const float Timeout = 20_000;

    [Fact]
    public async Task A_znode_kazoo_creates_appears_in_the_tree_live_with_its_data_owner_and_acl()
    {
        var connect = zookeeper.ConnectString + TestPaths.Unique("tree-page");
        await using var nodes = new DashboardCluster(connect, 2);
        await Eventually.UntilAsync(async ct => await nodes.All[0].Http.GetLeaderAsync(ct), l => l is not null, TimeSpan.FromSeconds(20), "a leader is elected");
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync(nodes.All[0].Url);
        await Assertions.Expect(page.Locator("[data-testid=dashboard][data-interactive=true]")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        var members = page.Locator("[data-testid=znode][data-path='/members']");
        await Assertions.Expect(members).ToHaveCountAsync(1, new() { Timeout = Timeout });
        await members.Locator(".mud-treeview-item-arrow button, button.mud-treeview-item-arrow-expand").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=znode][data-path='/members/node-1']")).ToHaveCountAsync(1, new() { Timeout = Timeout });

        // A stranger with the cluster's credentials (an operator's script) writes beside the members.
        using var kazoo = ExternalClient.StartKazoo(connect, """
            zk.create("/members/kazoo-probe", b'{"written": "by kazoo"}', ephemeral=True)
            print("created"); sys.stdout.flush()
            """, $"{TestCredentials.User}:{TestCredentials.Password}");
        Assert.Equal("created", await kazoo.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        var probe = page.Locator("[data-testid=znode][data-path='/members/kazoo-probe']");
        await Assertions.Expect(probe).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        await probe.Locator(".mud-treeview-item-content").First.ClickAsync();
        var detail = page.Locator("[data-testid=znode-detail][data-path='/members/kazoo-probe']");
        await Assertions.Expect(detail.GetByTestId("znode-data")).ToContainTextAsync("\"written\": \"by kazoo\"", new() { Timeout = Timeout });
        await Assertions.Expect(detail.GetByTestId("znode-owner")).ToContainTextAsync("not one of the cluster's nodes");
        // kazoo made it with its default, open ACL: shown as it is.
        await Assertions.Expect(detail.GetByTestId("znode-acl")).ToContainTextAsync("world:anyone:cdrwa", new() { Timeout = Timeout });
        await page.GetByTestId("znode-tree").ScreenshotAsync(new() { Path = Browser.ScreenshotPath("znode-tree.png") });

        // The cluster's own znodes are the cluster identity's: shown by its user, never its password's hash.
        await page.Locator("[data-testid=znode][data-path='/members/node-1'] .mud-treeview-item-content").First.ClickAsync();
        var own = page.Locator("[data-testid=znode-detail][data-path='/members/node-1']").GetByTestId("znode-acl");
        await Assertions.Expect(own).ToContainTextAsync($"digest:{TestCredentials.User}:cdrwa", new() { Timeout = Timeout });
        Assert.DoesNotContain(ZooKeeper.ZooKeeperId.Digest(TestCredentials.User, TestCredentials.Password).Id.Split(':')[1], await own.InnerTextAsync(), StringComparison.Ordinal);

        kazoo.StandardInput.Close();
        await kazoo.WaitForExitAsync();
        await Assertions.Expect(probe).ToHaveCountAsync(0, new() { Timeout = Timeout });
    }
}
