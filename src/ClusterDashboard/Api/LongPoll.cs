using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClusterDashboard.Api;

/// <summary>
/// The rules of a long-poll on <c>GET /leader?index=N&amp;wait=D</c>, after Consul's blocking queries: held until the
/// leader differs from the one of the view at index N, or for D (default <see cref="DefaultWait"/>, at most
/// <see cref="MaxWait"/>) plus a little jitter, so that many clients polling together spread out.
/// </summary>
internal static class LongPoll
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    /// <summary>How many long-polls a node holds at once; more are refused (503) until some return.</summary>
    public const int MaxHeld = 4096;

    public readonly record struct Request(long? Index, TimeSpan Wait, ProblemHttpResult? Problem = null);

    /// <summary>The index and how long to hold, or the 400 a bad pair answers.</summary>
    /// <param name="index">As sent: read here rather than bound by the framework, whose refusal of "abc", of a number
    /// beyond 64 bits or of a repeated ?index is a 400 that says nothing.</param>
    public static Request Parse(string? index, string? wait)
    {
        if (index is null)
        {
            return Bad("A long-poll needs ?index, the X-Cluster-Index of the answer it follows on (?wait alone holds nothing).");
        }

        // Digits only: no sign, no spaces, no second value (a repeated ?index arrives as "1,2").
        if (index.Length is 0 or > 19 || !index.All(char.IsAsciiDigit) || !long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return Bad($"?index is a view's zxid: one whole number from 0 to {long.MaxValue}, as X-Cluster-Index gave it; got {ProblemText.Quoted(index)}.");
        }

        var duration = DefaultWait;
        if (wait is not null && !TryParseWait(wait, out duration))
        {
            return Bad("?wait is a duration such as 30s, 500ms or 5m (or plain seconds), above zero and at most 10m.");
        }

        // Up to a sixteenth more, as Consul does.
        var jitter = TimeSpan.FromTicks((long)(duration.Ticks / 16.0 * Random.Shared.NextDouble()));
        return new Request(parsed, duration + jitter);
    }

    private static Request Bad(string detail) =>
        new(null, TimeSpan.Zero, TypedResults.Problem(title: "Bad long-poll", detail: detail, statusCode: StatusCodes.Status400BadRequest));

    internal static bool TryParseWait(string text, out TimeSpan wait)
    {
        wait = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (number.Length is 0 or > 9 || !number.All(char.IsAsciiDigit) || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        wait = TimeSpan.FromSeconds(value * unit);
        return wait > TimeSpan.Zero && wait <= MaxWait;
    }
}
