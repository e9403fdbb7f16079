using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Testing;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Tests;

/// <summary>A failover's phases from the history records, whichever of them a node sees first: the fault's record is
/// written by the node that took the order, the successor's by the successor.</summary>
public sealed class FailoverMetricsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_phases_are_measured_once_whichever_record_comes_first(bool faultFirst)
    {
        var fake = new FakeCoordination();
        var time = TimeProvider.System;
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var feed = new ClusterEventFeed(fake, fake, NullLogger<ClusterEventFeed>.Instance, time);
        using var metrics = new ClusterMetrics(meters, feed, fake, time);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // This test's meter only: other tests' nodes in this process have meters of the same name.
                if (instrument.Meter.Name == ClusterMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => Count(instrument.Name));
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => Count(instrument.Name));
        listener.Start();
        void Count(string name)
        {
            lock (counts)
            {
                counts[name] = counts.GetValueOrDefault(name) + 1;
            }
        }

        int CountOf(string name)
        {
            lock (counts)
            {
                return counts.GetValueOrDefault(name);
            }
        }

        // node-1 led (epoch 5), took a resign, and node-2 took over (epoch 7) 40 ms after node-1's candidate went.
        var decided = time.GetUtcNow().AddSeconds(1);
        var records = new Dictionary<string, HistoryRecord>
        {
            ["h-0000000001"] = new(HistoryRecordType.Leader, "node-1", decided.AddSeconds(-1), Epoch: 5),
            ["h-0000000002"] = new(HistoryRecordType.Fault, "node-1", decided, FaultId: "f-1", FaultKind: FaultKind.Resign),
            ["h-0000000003"] = new(HistoryRecordType.Leader, "node-2", decided.AddMilliseconds(50), Epoch: 7, PredecessorGoneAt: decided.AddMilliseconds(10)),
        };
        var written = new Dictionary<string, NodeData>(StringComparer.Ordinal) { ["/history"] = Node([], 1) };
        void Write(string name)
        {
            // As ZooKeeper would: the record's own zxid, and the parent's pzxid moved to it.
            var zxid = written.Count + 1L;
            written[$"/history/{name}"] = Node(records[name].ToBytes(), zxid);
            written["/history"] = Node([], 1, pzxid: zxid);
            fake.Tree = new TreeSnapshot(zxid, written.ToFrozenDictionary(StringComparer.Ordinal));
            fake.Touch(new ZnodeChange($"/history/{name}", ZnodeChangeKind.Created, time.GetUtcNow(), zxid));
        }

        (int, int, int) Counts() => (CountOf("clusterdashboard.failover.election"), CountOf("clusterdashboard.failover.detection"), CountOf("clusterdashboard.faults.injected"));
        Write("h-0000000001");
        // The first of the two is taken in before the second exists: the metrics read the tree as it is then.
        Write(faultFirst ? "h-0000000002" : "h-0000000003");
        await Eventually.UntilAsync(_ => Task.FromResult(Counts()), c => c == (faultFirst ? (0, 0, 1) : (1, 0, 0)), Deadline, "the first record is taken in");
        Write(faultFirst ? "h-0000000003" : "h-0000000002");

        await Eventually.UntilAsync(
            _ => Task.FromResult(Counts()),
            // Exactly: a phase recorded again when the second record comes would show as 2.
            c => c == (1, 1, 1),
            Deadline,
            "the election, the detection and the fault are each recorded once");
    }

    private static NodeData Node(byte[] data, long zxid, long? pzxid = null) => new(data, new Stat(zxid, zxid, 0, 0, 0, 0, 0, 0, data.Length, 0, pzxid ?? zxid));
}
