using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClusterDashboard.Tests;

/// <summary>Every read of the view says which view it comes from and how old it is, and a node that cannot vouch for
/// its view refuses rather than answer from it silently.</summary>
public sealed class ViewFreshnessApiTests
{
    private static FakeCoordination Cut(TimeSpan lastContact) => new()
    {
        Current = FakeCoordination.ThreeNodes(),
        SetFreshness = new ViewFreshness(FakeCoordination.ThreeNodes().Zxid, Loaded: true, Synced: false, lastContact, Unsynced: lastContact, TimeSpan.FromSeconds(3)),
    };

    [Theory]
    [InlineData("/leader")]
    [InlineData("/members")]
    [InlineData("/election")]
    [InlineData("/election/foreign")]
    public async Task A_live_view_names_its_index_and_last_contact_on_every_answer(string path)
    {
        var coordination = new FakeCoordination { Current = FakeCoordination.ThreeNodes(), SetFreshness = new ViewFreshness(FakeCoordination.ThreeNodes().Zxid, true, true, TimeSpan.FromMilliseconds(120), TimeSpan.Zero, TimeSpan.FromSeconds(3)) };
        await using var app = new FakeDashboard(coordination);
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var index = coordination.Current.Zxid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([index], response.Headers.GetValues("X-Cluster-Index"));
        Assert.Equal($"\"{index}\"", response.Headers.ETag?.Tag);
        Assert.Equal(["120"], response.Headers.GetValues("X-Cluster-LastContact"));
        Assert.False(response.Headers.Contains("X-Cluster-Stale"));
    }

    [Theory]
    [InlineData("/leader")]
    [InlineData("/members")]
    [InlineData("/election")]
    public async Task A_view_cut_off_from_zookeeper_past_the_grace_answers_503_saying_how_old_it_is_and_stale_reads_it_anyway(string path)
    {
        await using var app = new FakeDashboard(Cut(TimeSpan.FromSeconds(7)));
        using var http = app.CreateClient();

        using var refused = await http.GetAsync(new Uri(path, UriKind.Relative));
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        using var stale = await http.GetAsync(new Uri(path + "?stale", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("View not live", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("7000 ms ago", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(7000, problem.RootElement.GetProperty("lastContactMs").GetInt64());
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(["true"], stale.Headers.GetValues("X-Cluster-Stale"));
        Assert.Equal(["7000"], stale.Headers.GetValues("X-Cluster-LastContact"));
    }

    [Theory]
    [InlineData("/leader?stale=false", HttpStatusCode.ServiceUnavailable)]
    [InlineData("/leader?stale=0", HttpStatusCode.ServiceUnavailable)]
    [InlineData("/leader?stale=true", HttpStatusCode.OK)]
    [InlineData("/leader?stale=maybe", HttpStatusCode.BadRequest)]
    [InlineData("/leader?consistent=yes", HttpStatusCode.BadRequest)]
    public async Task A_mode_is_on_bare_or_true_off_when_false_and_anything_else_is_a_400(string url, HttpStatusCode expected)
    {
        await using var app = new FakeDashboard(Cut(TimeSpan.FromSeconds(7)));
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_long_poll_on_a_view_that_is_not_live_answers_503_at_once_instead_of_holding()
    {
        await using var app = new FakeDashboard(Cut(TimeSpan.FromSeconds(7)));
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/leader?index=42&wait=10m", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // no event says so: the feed's own look finds it
    public async Task A_held_long_poll_answers_503_as_soon_as_the_view_goes_stale_instead_of_holding_on(bool announced)
    {
        var coordination = new FakeCoordination { Current = FakeCoordination.ThreeNodes() };
        await using var app = new FakeDashboard(coordination);
        using var http = app.CreateClient();
        var feed = app.Services.GetRequiredService<ClusterDashboard.Cluster.ClusterEventFeed>();
        var index = coordination.Current.Zxid.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var held = http.GetAsync(new Uri($"/leader?index={index}&wait=10m", UriKind.Relative));
        await Eventually.UntilAsync(_ => Task.FromResult(feed.LongPollsWaiting == 1), TimeSpan.FromSeconds(30), "the long-poll is held");
        if (announced)
        {
            coordination.SetFreshness = Cut(TimeSpan.FromSeconds(7)).SetFreshness;
        }
        else
        {
            coordination.AgeSilently(Cut(TimeSpan.FromSeconds(7)).SetFreshness);
        }

        using var response = await held.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("7000 ms ago", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reconnect_within_the_grace_still_answers_from_the_view()
    {
        await using var app = new FakeDashboard(Cut(TimeSpan.FromMilliseconds(400)));
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/leader", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Before_the_first_load_even_stale_is_refused_rather_than_an_empty_cluster()
    {
        await using var app = new FakeDashboard(new FakeCoordination { SetFreshness = ViewFreshness.None });
        using var http = app.CreateClient();

        using var members = await http.GetAsync(new Uri("/members", UriKind.Relative));
        using var stale = await http.GetAsync(new Uri("/members?stale", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, members.StatusCode);
        Assert.Contains("not loaded", await members.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
    }

    [Fact]
    public async Task The_current_etag_answers_304_and_an_old_one_the_view()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();
        using var first = await http.GetAsync(new Uri("/leader", UriKind.Relative));

        using var same = new HttpRequestMessage(HttpMethod.Get, new Uri("/leader", UriKind.Relative));
        same.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await http.SendAsync(same);
        using var other = new HttpRequestMessage(HttpMethod.Get, new Uri("/leader", UriKind.Relative));
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\""));
        using var modified = await http.SendAsync(other);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Fact]
    public async Task Asking_for_stale_and_consistent_at_once_is_a_400()
    {
        await using var app = new FakeDashboard(new FakeCoordination { Current = FakeCoordination.ThreeNodes() });
        using var http = app.CreateClient();

        using var response = await http.GetAsync(new Uri("/leader?stale&consistent", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
