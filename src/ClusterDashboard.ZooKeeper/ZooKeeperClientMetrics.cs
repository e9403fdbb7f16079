using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ClusterDashboard.ZooKeeper;

/// <summary>
/// The client's instruments, made through the caller's <see cref="IMeterFactory"/> (none without one): how long each
/// request took by operation, reconnects, and watch notifications by type. One meter per factory, shared by every
/// client made with it.
/// </summary>
internal sealed class ZooKeeperClientMetrics
{
    public const string MeterName = "ClusterDashboard.ZooKeeper";

    private static readonly ConditionalWeakTable<IMeterFactory, ZooKeeperClientMetrics> PerFactory = new();

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _notifications;

    private ZooKeeperClientMetrics(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("zookeeper.client.request.duration", "s", "Time from a request's send to its answer, by operation.");
        _reconnects = meter.CreateCounter<long>("zookeeper.client.reconnects", "{connection}", "Connections made again for a session that already had one.");
        _notifications = meter.CreateCounter<long>("zookeeper.client.watch.notifications", "{notification}", "Watch notifications received, by event type.");
    }

    public static ZooKeeperClientMetrics? For(IMeterFactory? factory) => factory is null ? null : PerFactory.GetValue(factory, f => new ZooKeeperClientMetrics(f));

    public void Request(string operation, long startedAt) =>
        _duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("zookeeper.operation", operation));

    public void Reconnected() => _reconnects.Add(1);

    public void Notified(WatchEventType type) => _notifications.Add(1, new KeyValuePair<string, object?>("zookeeper.event", Protocol.OperationNames.Of(type)));
}
