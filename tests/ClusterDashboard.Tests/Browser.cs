using Microsoft.Playwright;

namespace ClusterDashboard.Tests;

/// <summary>Debian's Chromium driven by Playwright; Playwright's own browser download cannot work here.</summary>
internal static class Browser
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_EXECUTABLE") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        return (playwright, browser);
    }

    /// <summary>Saves the whole page to TestResults/screenshots and prints where, so a person can look at it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = ScreenshotPath(name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Console.WriteLine($"screenshot: {path}");
    }

    /// <summary>README's picture, in the repository's wwwroot.</summary>
    public static string ReadmePicturePath => Path.Combine(RepositoryRoot() ?? throw new InvalidOperationException("run from within the repository"), "wwwroot", "images", "dashboard.png");

    /// <summary>Where screenshots go: TestResults/screenshots at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(RepositoryRoot() ?? Path.GetTempPath(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static string? RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClusterDashboard.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName;
    }
}
