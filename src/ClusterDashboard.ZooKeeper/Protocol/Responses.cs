namespace ClusterDashboard.ZooKeeper.Protocol;

/// <summary>Decoders for everything a server sends. Each reads only through <see cref="JuteReader"/>, so any malformed
/// input ends in <see cref="ZooKeeperProtocolException"/>; the fuzz tests hold them to that.</summary>
internal static class Responses
{
    public static ReplyHeader ReadReplyHeader(ref JuteReader r) => new(r.ReadInt(), r.ReadLong(), (ZooKeeperErrorCode)r.ReadInt());

    public static ConnectResponse ReadConnectResponse(ref JuteReader r)
    {
        var protocolVersion = r.ReadInt();
        var timeoutMs = r.ReadInt();
        var sessionId = r.ReadLong();
        var password = r.ReadBuffer() ?? [];
        // readOnly is only present when the client sent it; we always do, but tolerate its absence.
        var readOnly = r.Remaining >= 1 && r.ReadBool();
        return new ConnectResponse(protocolVersion, timeoutMs, sessionId, password, readOnly);
    }

    public static (WatchEventType Type, int State, string Path) ReadWatcherEvent(ref JuteReader r) =>
        ((WatchEventType)r.ReadInt(), r.ReadInt(), r.ReadRequiredString("a watch event's path"));

    public static Stat ReadStat(ref JuteReader r) => r.ReadStat();

    public static NodeData ReadNodeData(ref JuteReader r) => new(r.ReadBuffer() ?? [], r.ReadStat());

    public static ChildrenResult ReadChildren2(ref JuteReader r) => new(r.ReadStrings(), r.ReadStat());

    public static AclResult ReadAcl(ref JuteReader r) => new(r.ReadAcls(), r.ReadStat());

    public static List<string> ReadStrings(ref JuteReader r) => r.ReadStrings();

    public static string? ReadPath(ref JuteReader r) => r.ReadString();

    public static int ReadInt(ref JuteReader r) => r.ReadInt();

    public static bool Empty(ref JuteReader r) => true;

    public static IReadOnlyList<ClientIdentity> ReadWhoAmI(ref JuteReader r)
    {
        var count = r.ReadInt();
        if (count < 0 || count > r.Remaining / 8)
        {
            throw new ZooKeeperProtocolException($"whoAmI count {count} does not fit the {r.Remaining} bytes left");
        }

        var result = new List<ClientIdentity>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(new ClientIdentity(r.ReadRequiredString("auth scheme"), r.ReadRequiredString("user")));
        }

        return result;
    }
}
