using System.Globalization;
using ClusterDashboard.Coordination;
using ClusterDashboard.ZooKeeper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClusterDashboard.Api;

/// <summary>What a read of this node's view answers from, under the request's mode.</summary>
/// <param name="View">The view the answer comes from (the one the ETag names, also for a 304); null when
/// <see cref="Problem"/> answers.</param>
internal sealed record ViewRead(ClusterSnapshot? View, ProblemHttpResult? Problem, bool NotModified);

/// <summary>
/// How the cluster API answers from this node's view of ZooKeeper. Every answer says which view it comes from and how
/// old it is (<see cref="IndexHeader"/> and an ETag of the view's zxid, <see cref="LastContactHeader"/>). By default a
/// node answers only from a live view (<see cref="ViewFreshness.Live"/>), else 503 with why and Retry-After;
/// <c>?stale</c> answers from the last view anyway, marked with <see cref="StaleHeader"/>; <c>?consistent</c> syncs
/// with ZooKeeper and answers once the view includes everything committed before the request.
/// </summary>
internal static class ViewReads
{
    public const string IndexHeader = "X-Cluster-Index";
    public const string LastContactHeader = "X-Cluster-LastContact";
    public const string StaleHeader = "X-Cluster-Stale";

    /// <summary>How long a consistent read may take before it answers 503.</summary>
    public static readonly TimeSpan ConsistentTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A mode's query value: absent, <c>false</c> or <c>0</c> is off; present bare, <c>true</c> or <c>1</c> is on;
    /// anything else is not understood.</summary>
    public static bool? Flag(string? value) => value switch
    {
        null or "false" or "0" => false,
        "" or "true" or "1" => true,
        _ => null,
    };

    /// <summary>The modes a read asks for, or the 400 a bad pair answers: checked before anything waits on them.</summary>
    public static (bool Stale, bool Consistent, ProblemHttpResult? Problem) Modes(string? staleValue, string? consistentValue) =>
        Flag(staleValue) is not { } stale || Flag(consistentValue) is not { } consistent
            ? (false, false, Refused(StatusCodes.Status400BadRequest, "Bad mode", "?stale and ?consistent take no value, or true, false, 1 or 0.").Problem)
            : stale && consistent
                ? (false, false, Refused(StatusCodes.Status400BadRequest, "Conflicting modes", "Ask for ?stale or ?consistent, not both.").Problem)
                : (stale, consistent, null);

    public static async Task<ViewRead> ReadAsync(HttpContext http, IClusterObserver observer, string? staleValue, string? consistentValue, CancellationToken cancellationToken)
    {
        var (stale, consistent, bad) = Modes(staleValue, consistentValue);
        if (bad is not null)
        {
            return new ViewRead(null, bad, false);
        }

        var freshness = observer.Freshness;
        WriteContact(http, freshness);
        if (!freshness.Live && !(stale && freshness.Loaded))
        {
            http.Response.Headers.RetryAfter = "1";
            return Refused(
                StatusCodes.Status503ServiceUnavailable,
                "View not live",
                $"{freshness.StaleReason}. Retry shortly, ask another node, or add ?stale to read the last view anyway.",
                freshness);
        }

        var view = observer.Current;
        if (consistent)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(ConsistentTimeout);
            try
            {
                view = await observer.ReadConsistentAsync(bounded.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ZooKeeperException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                http.Response.Headers.RetryAfter = "1";
                return Refused(StatusCodes.Status503ServiceUnavailable, "No consistent read", $"This node could not sync its view with ZooKeeper within {ConsistentTimeout.TotalSeconds:F0} s. Retry shortly or ask another node.", observer.Freshness);
            }
        }

        var etag = $"\"{view.Zxid.ToString(CultureInfo.InvariantCulture)}\"";
        http.Response.Headers[IndexHeader] = view.Zxid.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.ETag = etag;
        if (!freshness.Live)
        {
            http.Response.Headers[StaleHeader] = "true";
        }

        var notModified = http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() is var tag && (tag == etag || tag == "*" || tag == "W/" + etag)));
        return new ViewRead(view, null, notModified);
    }

    private static void WriteContact(HttpContext http, ViewFreshness freshness)
    {
        if (freshness.LastContact is { } contact)
        {
            http.Response.Headers[LastContactHeader] = ((long)contact.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static ViewRead Refused(int status, string title, string detail, ViewFreshness? freshness = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (freshness is not null)
        {
            extensions["index"] = freshness.Zxid;
            extensions["lastContactMs"] = freshness.LastContact is { } c ? (long)c.TotalMilliseconds : null;
        }

        return new ViewRead(null, TypedResults.Problem(title: title, detail: detail, statusCode: status, extensions: extensions), false);
    }
}
