using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClusterDashboard.Bench;

/// <summary>The dashboard page held open in a headless Chromium, as a browser tab would hold it: its Blazor circuit
/// stays connected. Disposing closes the browser and removes its profile.</summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    public const string Browser = "/usr/bin/chromium";

    private readonly Process _browser;
    private readonly string _profile;

    private BrowserPage(Process browser, string profile) => (_browser, _profile) = (browser, profile);

    public bool HasExited => _browser.HasExited;

    /// <summary>Opens the page and waits until the node says its circuit is connected: a browser that shows an error
    /// page, or never gets the circuit up, would otherwise count as "the page open".</summary>
    public static async Task<BrowserPage> OpenAsync(HttpClient http, Uri url)
    {
        var profile = Directory.CreateTempSubdirectory("bench-chromium-").FullName;
        var start = new ProcessStartInfo(Browser) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", $"--user-data-dir={profile}", "--remote-debugging-port=0", url.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        var browser = Process.Start(start)!;
        browser.OutputDataReceived += (_, _) => { };
        browser.ErrorDataReceived += (_, _) => { };
        browser.BeginOutputReadLine();
        browser.BeginErrorReadLine();
        var page = new BrowserPage(browser, profile);
        var until = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (await ConnectedAsync(http, url) < 1)
        {
            if (browser.HasExited || Stopwatch.GetTimestamp() > until)
            {
                await page.DisposeAsync();
                throw new InvalidOperationException($"the page at {url} did not connect its circuit within 30 s");
            }

            await Task.Delay(200);
        }

        return page;
    }

    /// <summary>How many Blazor circuits (open pages) the node has connected to a browser, from its own metrics.</summary>
    public static async Task<int> ConnectedAsync(HttpClient http, Uri node)
    {
        return (int)(await NodeMetrics.ReadAsync(http, node)).Sum("aspnetcore_components_circuit_connected{");
    }

    /// <summary>Hub clients on the nodes in turn, each listening for the leader.</summary>
    public static async Task<List<HubConnection>> HubClientsAsync(IReadOnlyList<Uri> nodes, int count, Action onLeader)
    {
        var hubs = new List<HubConnection>();
        for (var i = 0; i < count; i++)
        {
            var hub = new HubConnectionBuilder().WithUrl(new Uri(nodes[i % nodes.Count], "/hubs/cluster")).WithAutomaticReconnect().Build();
            hub.On<object?>("LeaderChanged", _ => onLeader());
            await hub.StartAsync();
            hubs.Add(hub);
        }

        return hubs;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_browser.HasExited)
        {
            _browser.Kill(entireProcessTree: true);
            await _browser.WaitForExitAsync();
        }

        _browser.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}
