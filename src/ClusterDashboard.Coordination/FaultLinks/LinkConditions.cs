namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>The two ways bytes cross a link, named as Toxiproxy names them.</summary>
public enum LinkDirection
{
    /// <summary>From the participant to ZooKeeper.</summary>
    Upstream,

    /// <summary>From ZooKeeper to the participant.</summary>
    Downstream,
}

/// <summary>What becomes of a new connection the participant opens.</summary>
public enum NewConnections
{
    /// <summary>It reaches the server.</summary>
    Open,

    /// <summary>Refused at once, as by a host that is up with nothing listening.</summary>
    Refused,

    /// <summary>Left hanging until the dialer gives up, as when SYNs go unanswered: a partitioned or paused host.</summary>
    Hang,
}

/// <summary>What one direction of the link does to the bytes crossing it now (Toxiproxy's toxics).</summary>
/// <param name="BlackHole">Nothing gets through, and nobody is told (Toxiproxy's timeout with no end): bytes are held,
/// as TCP holds them while it retransmits, and go on once the path heals, if anyone is still there to take them.</param>
/// <param name="Latency">Every chunk arrives this much later.</param>
/// <param name="Jitter">Up to this much more or less, at random; the order of the bytes is kept.</param>
/// <param name="BytesPerSecond">At most this many bytes a second get through (0: no limit).</param>
public sealed record DirectionConditions(bool BlackHole = false, TimeSpan Latency = default, TimeSpan Jitter = default, long BytesPerSecond = 0)
{
    public static DirectionConditions Clean { get; } = new();
}

/// <summary>What the link does now: each direction of the connections it carries, and new connections.</summary>
public sealed record LinkConditions(DirectionConditions Upstream, DirectionConditions Downstream, NewConnections Dials)
{
    public static LinkConditions Healthy { get; } = new(DirectionConditions.Clean, DirectionConditions.Clean, NewConnections.Open);

    public DirectionConditions Of(LinkDirection direction) => direction == LinkDirection.Upstream ? Upstream : Downstream;
}
