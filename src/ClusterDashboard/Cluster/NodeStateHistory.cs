using ClusterDashboard.Coordination;

namespace ClusterDashboard.Cluster;

/// <summary>One stretch of a node's state as this node saw it; <see cref="Until"/> is null while it lasts.</summary>
public sealed record StateSpan(string NodeId, NodeState State, DateTimeOffset From, DateTimeOffset? Until);

/// <summary>
/// Each member's state over time, as this node's view showed it, for the timeline: a new span whenever a member's
/// state changes, and "down" once it is gone from the view. Kept for <see cref="Retention"/> and bounded per node, so a
/// flapping node cannot grow it without end.
/// </summary>
public sealed class NodeStateHistory(TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    /// <summary>At most this many spans per node and this many nodes.</summary>
    public const int MaxSpans = 500;

    public const int MaxNodes = 100;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<StateSpan>> _spans = new(StringComparer.Ordinal);

    public void Observe(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var at = snapshot.ObservedAt;
        lock (_lock)
        {
            var present = snapshot.Members.ToDictionary(m => m.NodeId, m => m.State, StringComparer.Ordinal);
            foreach (var id in _spans.Keys.Where(k => !present.ContainsKey(k)).ToList())
            {
                present[id] = NodeState.Down; // gone from the view: down until it returns
            }

            foreach (var (id, state) in present)
            {
                if (!_spans.TryGetValue(id, out var spans))
                {
                    if (_spans.Count >= MaxNodes)
                    {
                        continue;
                    }

                    _spans[id] = spans = [];
                }

                if (spans.Count > 0 && spans[^1].State == state)
                {
                    continue;
                }

                if (spans.Count > 0)
                {
                    spans[^1] = spans[^1] with { Until = at };
                }

                spans.Add(new StateSpan(id, state, at, null));
                if (spans.Count > MaxSpans)
                {
                    spans.RemoveAt(0);
                }
            }

            // Old spans go; a node down for the whole retention goes with them.
            var horizon = time.GetUtcNow() - Retention;
            foreach (var (id, spans) in _spans.ToList())
            {
                spans.RemoveAll(s => s.Until is { } until && until < horizon);
                if (spans.Count == 0 || (spans.Count == 1 && spans[0].State == NodeState.Down && spans[0].From < horizon))
                {
                    _spans.Remove(id);
                }
            }
        }
    }

    /// <summary>Every node's spans that reach into the last <paramref name="window"/>, by node id.</summary>
    public IReadOnlyList<StateSpan> Since(TimeSpan window)
    {
        var from = time.GetUtcNow() - window;
        lock (_lock)
        {
            return _spans.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .SelectMany(kv => kv.Value)
                .Where(s => s.Until is not { } until || until >= from)
                .ToList();
        }
    }
}
