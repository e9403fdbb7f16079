using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterDashboard.Coordination;

/// <summary>The JSON form of our znode payloads; other tools (zkCli, kazoo) read them as plain text, so enums are
/// written as words.</summary>
internal static class PayloadJson
{
    // Read as strictly as written: numbers as numbers, each field once.
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new Faults.FaultKindJsonConverter(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
    };

    // Znodes under our paths may have been written by anyone: anything that does not parse is simply not ours.
    public static T? TryParse<T>(ReadOnlySpan<byte> data)
        where T : class
    {
        if (data.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(data, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
