using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>Orders a fault from the page as a person does: open the node's "Break it" menu, pick the kind.</summary>
internal static class FaultMenu
{
    private const int Attempts = 3;

    public static async Task OrderAsync(IPage page, string kind, string nodeId)
    {
        var item = page.Locator($"[data-testid=fault-{kind}][data-node-id={nodeId}]");
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator($"[data-testid=fault-menu][data-node-id={nodeId}] button").First.ClickAsync();
            try
            {
                await item.ClickAsync(new LocatorClickOptions { Timeout = 5000 });
                return;
            }
            catch (TimeoutException) when (attempt < Attempts)
            {
                // The menu was gone before its item could be picked (once in a CI run, right after a snackbar): it is
                // opened again, as a person would. A menu that never offers the item still fails.
            }
        }
    }
}
