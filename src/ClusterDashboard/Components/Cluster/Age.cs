using System.Globalization;

namespace ClusterDashboard.Components.Cluster;

/// <summary>A duration as people say it on the page: "0.4 s", "12 s", "3 min 5 s".</summary>
internal static class Age
{
    public static string Of(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 10 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:F1} s")
            : age.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:F0} s")
            : age.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min {age.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h {age.Minutes} min");
    }
}
