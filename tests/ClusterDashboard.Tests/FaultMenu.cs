using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>Orders a fault from the page as a person does: open the node's "Break it" menu, pick the kind.</summary>
internal static class FaultMenu
{
    public static async Task OrderAsync(IPage page, string kind, string nodeId)
    {
        await page.Locator($"[data-testid=fault-menu][data-node-id={nodeId}] button").First.ClickAsync();
        var item = page.Locator($"[data-testid=fault-{kind}][data-node-id={nodeId}]");
        await item.ClickAsync();

        // The pick closes the menu at once, before the order asks for a key or waits for the target's verdict: a menu
        // left open behind the key dialog was closed, not opened, by the next click on "Break it".
        await Assertions.Expect(item).ToBeHiddenAsync();
    }
}
