using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>Orders a fault from the page as a person does: open the node's "Break it" menu, pick the kind.</summary>
internal static class FaultMenu
{
    public static async Task OrderAsync(IPage page, string kind, string nodeId)
    {
        await page.Locator($"[data-testid=fault-menu][data-node-id={nodeId}] button").First.ClickAsync();
        await page.Locator($"[data-testid=fault-{kind}][data-node-id={nodeId}]").ClickAsync();
    }
}
