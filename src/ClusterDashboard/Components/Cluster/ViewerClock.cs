using System.Globalization;
using Microsoft.JSInterop;

namespace ClusterDashboard.Components.Cluster;

/// <summary>
/// Times as the viewer reads them: in the browser's own zone, not the server's. One per circuit; until the browser
/// has said its zone (right after the first render) times show in UTC, and say so.
/// </summary>
public sealed class ViewerClock
{
    private TimeSpan _offset = TimeSpan.Zero;

    /// <summary>The zone's name as the browser gives it (e.g. Europe/Berlin), or UTC until known.</summary>
    public string Zone { get; private set; } = "UTC";

    public bool Known { get; private set; }

    /// <summary>Asks the browser for its zone; a browser that does not answer leaves UTC.</summary>
    public async Task LearnAsync(IJSRuntime js)
    {
        ArgumentNullException.ThrowIfNull(js);
        try
        {
            var minutes = await js.InvokeAsync<int>("clusterDashboard.utcOffsetMinutes");
            var zone = await js.InvokeAsync<string>("clusterDashboard.timeZone");
            // Real zones lie within UTC-12 and UTC+14; anything else the browser says is not taken.
            if (minutes is >= -12 * 60 and <= 14 * 60)
            {
                _offset = TimeSpan.FromMinutes(minutes);
                Zone = string.IsNullOrWhiteSpace(zone) || zone.Length > 64 ? Offset() : zone;
                Known = true;
            }
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or OperationCanceledException)
        {
            // Prerendering, the circuit went (JSDisconnectedException), or the browser did not answer in time: UTC it stays.
        }
    }

    /// <summary>The moment in the viewer's zone; one at the very edge of time (a forged record's) stays as it is
    /// rather than overflow.</summary>
    public DateTimeOffset Local(DateTimeOffset at)
    {
        try
        {
            return at.ToOffset(_offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            return at;
        }
    }

    /// <summary>The time of day, e.g. 14:03:42 (with milliseconds: 14:03:42.068).</summary>
    public string Time(DateTimeOffset at, bool milliseconds = false) =>
        Local(at).ToString(milliseconds ? "HH:mm:ss.fff" : "HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Date, time and zone, for a tooltip.</summary>
    public string Full(DateTimeOffset at) =>
        Local(at).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + Zone + " (" + Offset() + ")";

    private string Offset() => "UTC" + (_offset < TimeSpan.Zero ? "-" : "+") + _offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
