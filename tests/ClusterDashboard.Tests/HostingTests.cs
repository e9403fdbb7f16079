using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterDashboard.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Tests;

/// <summary>The repository's top-level appsettings.json and wwwroot are the app's own, in a test host too.</summary>
public sealed partial class HostingTests
{
    [Theory]
    [InlineData("/app.css", "text/css", ".leader-hero")]
    [InlineData("/favicon.svg", "image/svg+xml", "<svg")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css", ".mud-")]
    public async Task Static_files_are_served_from_the_repository_wwwroot_and_packages(string path, string contentType, string expected)
    {
        await using var app = new FakeDashboard(new FakeCoordination());
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_links_the_stylesheet_by_a_fingerprinted_url_that_is_served()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = ClusterViews.Chain(("node-1", 1)) });
        using var http = app.CreateClient();

        var html = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var stylesheet = FingerprintedStylesheet().Match(html);

        Assert.True(stylesheet.Success, "the page links app.<fingerprint>.css");
        using var response = await http.GetAsync(new Uri("/" + stylesheet.Groups["href"].Value, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(".leader-hero", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_come_from_the_repository_appsettings_json()
    {
        using var repoSettings = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFile("appsettings.json")));
        await using var app = new FakeDashboard(new FakeCoordination(), settings: new Dictionary<string, string?>());

        var zookeeper = app.Services.GetRequiredService<IOptions<ZooKeeperOptions>>().Value;
        var cluster = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;

        Assert.Equal(repoSettings.RootElement.GetProperty("ZooKeeper").GetProperty("ConnectString").GetString(), zookeeper.ConnectString);
        Assert.Equal(repoSettings.RootElement.GetProperty("Cluster").GetProperty("NodeId").GetString(), cluster.NodeId);
        Assert.Equal(repoSettings.RootElement.GetProperty("Cluster").GetProperty("AdvertisedUrl").GetString(), cluster.AdvertisedUrl);
    }

    private static string RepositoryFile(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClusterDashboard.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("ClusterDashboard.sln not found above the test's folder"), name);
    }

    [GeneratedRegex("""href="(?<href>app\.[a-z0-9]+\.css)"\s""")]
    private static partial Regex FingerprintedStylesheet();
}
