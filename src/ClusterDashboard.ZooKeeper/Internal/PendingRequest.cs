using ClusterDashboard.ZooKeeper.Protocol;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>A request on its way: its encoded body, and what to do with the reply.</summary>
internal abstract class PendingRequest(OpCode op, byte[] body, string? path, WatchRegistration? watch)
{
    public OpCode Op { get; } = op;

    public byte[] Body { get; } = body;

    /// <summary>The caller's path, for error messages.</summary>
    public string? Path { get; } = path;

    public WatchRegistration? Watch { get; } = watch;

    public int Xid { get; set; }

    /// <summary>When the send loop put it on the wire (a timestamp of the client's clock), taken just before the
    /// write: its reply proves the server heard the session no earlier than this.</summary>
    public long SentTimestamp { get; set; }

    /// <summary>True once the caller gave up: the request is skipped if not yet sent.</summary>
    public abstract bool IsAbandoned { get; }

    /// <summary>Parses the reply on the receive loop; a malformed body throws and closes the connection.</summary>
    public abstract void Accept(ZooKeeperErrorCode error, ref JuteReader body);

    /// <summary>Completes the caller's task; runs on the dispatcher, after earlier events.</summary>
    public abstract void Deliver();

    public abstract void Fail(Exception error);
}
