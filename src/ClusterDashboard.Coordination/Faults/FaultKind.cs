namespace ClusterDashboard.Coordination.Faults;

/// <summary>The ways a node can be made to fail, each acting on its participant only: its network link, its clock,
/// its session. Nothing in its ZooKeeper client knows.</summary>
public enum FaultKind
{
    /// <summary>As a dying process: its connections are reset and nothing is sent on its behalf again (no close of the
    /// session, which ZooKeeper then expires); after the duration it comes back with a new session, at the back.</summary>
    Crash,

    /// <summary>Both directions silently black-holed for the duration; new connections hang. It finds out by its own
    /// read timeout.</summary>
    Partition,

    /// <summary>A stop-the-world pause: its link holds every byte and its timers do not fire for the duration; it
    /// wakes believing whatever it believed.</summary>
    Pause,

    /// <summary>Closes its session (immediate failover) and rejoins after the duration.</summary>
    Leave,

    /// <summary>The leader gives up and queues again at the back.</summary>
    Resign,

    /// <summary>One direction black-holed (<see cref="FaultParameters.Direction"/>) for the duration; new connections
    /// hang, as a TCP handshake needs both.</summary>
    PartitionOneWay,

    /// <summary>Every chunk each way delayed by <see cref="FaultParameters.LatencyMs"/> (± jitter) for the duration.</summary>
    Latency,
}

/// <summary>The names faults go by on the wire, in the API and on the page, and the one strict way to read them.</summary>
public static class FaultKinds
{
    private static readonly (FaultKind Kind, string Name)[] Table =
    [
        (FaultKind.Crash, "crash"),
        (FaultKind.Partition, "partition"),
        (FaultKind.Pause, "pause"),
        (FaultKind.Leave, "leave"),
        (FaultKind.Resign, "resign"),
        (FaultKind.PartitionOneWay, "partition-oneway"),
        (FaultKind.Latency, "latency"),
    ];

    /// <summary>Every kind, in the order the page offers them.</summary>
    public static IReadOnlyList<FaultKind> All { get; } = [.. Table.Select(k => k.Kind)];

    public static IReadOnlyList<string> Names { get; } = [.. Table.Select(k => k.Name)];

    public static string Name(this FaultKind kind) => Table.First(k => k.Kind == kind).Name;

    /// <summary>Whether the fault lasts for a duration (every kind but resign, which is over once done).</summary>
    public static bool HasDuration(this FaultKind kind) => kind != FaultKind.Resign;

    /// <summary>Exactly one of <see cref="Names"/>, in any letter case; nothing else: no numbers, no lists, no padding
    /// (what Enum.TryParse would all let through).</summary>
    public static bool TryParse(string? text, out FaultKind kind)
    {
        foreach (var (k, name) in Table)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

/// <summary>Writes and reads a <see cref="FaultKind"/> as its documented name ("partition-oneway"), strictly, in the
/// API and in the znodes alike. Put it before a general enum converter.</summary>
public sealed class FaultKindJsonConverter : System.Text.Json.Serialization.JsonConverter<FaultKind>
{
    public override FaultKind Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        reader.TokenType == System.Text.Json.JsonTokenType.String && FaultKinds.TryParse(reader.GetString(), out var kind)
            ? kind
            : throw new System.Text.Json.JsonException($"A fault kind is one of {string.Join(", ", FaultKinds.Names)}.");

    public override void Write(System.Text.Json.Utf8JsonWriter writer, FaultKind value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Name());
    }
}
