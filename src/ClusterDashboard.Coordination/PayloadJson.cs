using System.Text.Json;

namespace ClusterDashboard.Coordination;

/// <summary>The JSON form of our znode payloads; other tools (zkCli, kazoo) read them as plain text.</summary>
internal static class PayloadJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

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
