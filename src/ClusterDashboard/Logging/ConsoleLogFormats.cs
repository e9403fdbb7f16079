using Microsoft.Extensions.Logging.Console;

namespace ClusterDashboard.Logging;

internal static class ConsoleLogFormats
{
    private const string FormatterOptions = "Logging:Console:FormatterOptions";

    /// <summary>
    /// ASP.NET Core's console logger already picks its formatter from <c>Logging:Console:FormatterName</c> (simple, the
    /// default, or json); nothing here pins one. The JSON formatter gets defaults of its own, for a log that is searched
    /// rather than read: a UTC timestamp on every line (without one a line has only what the collector adds), and the
    /// scopes, which carry the request (RequestPath, RequestId, TraceId) a line was logged under. Both stay settings:
    /// <c>Logging:Console:FormatterOptions:IncludeScopes</c>, <c>…:TimestampFormat</c> and <c>…:UseUtcTimestamp</c>
    /// win when set. The text formatter keeps ASP.NET Core's defaults.
    /// </summary>
    public static WebApplicationBuilder AddConsoleLogFormats(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            var section = configuration.GetSection(FormatterOptions);
            options.IncludeScopes = section.GetValue(nameof(options.IncludeScopes), true);
            options.UseUtcTimestamp = section.GetValue(nameof(options.UseUtcTimestamp), true);
            // A local time carries its offset; only a UTC one may be labelled Z.
            options.TimestampFormat = section[nameof(options.TimestampFormat)]
                ?? (options.UseUtcTimestamp ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffzzz");
        });
        return builder;
    }
}
