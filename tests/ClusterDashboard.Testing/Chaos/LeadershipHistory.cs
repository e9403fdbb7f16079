using System.Diagnostics;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Testing.Chaos;

/// <summary>
/// Everything the checker reads, on one monotonic clock (<see cref="Stopwatch.GetTimestamp"/>, which every node's
/// clock reads too): each node's leadership transitions as the node stamped them, when each node was paused, and the
/// spans in which the cluster owed nobody a leader (no quorum, or the failure-detection window after a fault that
/// could take the leader away).
/// </summary>
public sealed class LeadershipHistory
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(long At, LeadershipState State, long? Token)>> _changes = [];
    private readonly Dictionary<string, List<Span>> _pauses = [];
    private readonly Dictionary<string, long> _pausedSince = [];
    private readonly List<Span> _excused = [];
    private readonly List<(long At, string What)> _steps = [];

    public static long Now => Stopwatch.GetTimestamp();

    public void Watch(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var name = node.Options.NodeId;
        node.Participant.LeadershipChanged += change => Record(name, change.Timestamp != 0 ? change.Timestamp : Now, change.State, change.Epoch);
        node.FaultChanged += fault => OnFault(name, fault);
    }

    /// <summary>A node's transition, stamped when it took effect.</summary>
    public void Record(string node, long at, LeadershipState state, long? token)
    {
        lock (_lock)
        {
            Changes(node).Add((at, state, token));
        }
    }

    /// <summary>A node was paused from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public void Paused(string node, long start, long end)
    {
        lock (_lock)
        {
            Changes(node);
            _pauses[node].Add(new Span(start, end));
        }
    }

    // Under the lock.
    private List<(long At, LeadershipState State, long? Token)> Changes(string node)
    {
        if (!_changes.TryGetValue(node, out var changes))
        {
            _changes[node] = changes = [];
            _pauses[node] = [];
        }

        return changes;
    }

    private void OnFault(string name, ActiveFault? fault)
    {
        var now = Now;
        lock (_lock)
        {
            Changes(name);
            if (_pausedSince.Remove(name, out var since))
            {
                _pauses[name].Add(new Span(since, now));
            }

            if (fault?.Kind == FaultKind.Pause)
            {
                _pausedSince[name] = now;
            }
        }
    }

    /// <summary>Notes what the campaign did at <paramref name="at"/>, so a failure can name the step it came in.</summary>
    public void Step(long at, string what)
    {
        lock (_lock)
        {
            _steps.Add((at, what));
        }
    }

    /// <summary>The last step noted at or before <paramref name="at"/>.</summary>
    public string StepAt(long at)
    {
        lock (_lock)
        {
            return _steps.LastOrDefault(s => s.At <= at).What ?? "before the first fault";
        }
    }

    /// <summary>When the last step noted at or before <paramref name="at"/> began.</summary>
    public long StepStart(long at)
    {
        lock (_lock)
        {
            return _steps.LastOrDefault(s => s.At <= at).At;
        }
    }

    /// <summary>Every node's transitions from <paramref name="start"/> to <paramref name="end"/>, in order, with
    /// milliseconds from <paramref name="start"/>: what a gap or an overlap came with.</summary>
    public string ChangesBetween(long start, long end)
    {
        lock (_lock)
        {
            var changes = _changes.SelectMany(n => n.Value.Where(c => c.At >= start && c.At <= end).Select(c => (Node: n.Key, c.At, c.State)))
                .OrderBy(c => c.At)
                .Select(c => $"{Stopwatch.GetElapsedTime(start, c.At).TotalMilliseconds:F0} ms {c.Node} {c.State}");
            return string.Join(", ", changes);
        }
    }

    /// <summary>The cluster owed nobody a leader from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public void Excuse(long start, long end)
    {
        lock (_lock)
        {
            _excused.Add(new Span(start, end));
        }
    }

    /// <summary>Each node's leadership terms, in order: from becoming leader to the first state that is not.</summary>
    public IReadOnlyList<Term> Terms(long until)
    {
        var terms = new List<Term>();
        lock (_lock)
        {
            foreach (var (name, changes) in _changes)
            {
                Term? open = null;
                // In the order they took effect: a lease that ran out is stamped when it did, however late its timer.
                foreach (var (at, state, token) in changes.OrderBy(c => c.At))
                {
                    if (open is not null && (state != LeadershipState.Leader || token != open.Token))
                    {
                        terms.Add(open with { End = Math.Max(open.Start, at) });
                        open = null;
                    }

                    if (state == LeadershipState.Leader && open is null)
                    {
                        open = new Term(name, token ?? -1, at, long.MaxValue);
                    }
                }

                if (open is not null)
                {
                    terms.Add(open with { End = until });
                }
            }
        }

        return terms.OrderBy(t => t.Start).ToList();
    }

    public IReadOnlyList<Span> PausesOf(string name, long until)
    {
        lock (_lock)
        {
            var pauses = _pauses.TryGetValue(name, out var closed) ? closed.ToList() : [];
            if (_pausedSince.TryGetValue(name, out var since))
            {
                pauses.Add(new Span(since, until));
            }

            return pauses;
        }
    }

    public IReadOnlyList<Span> Excused
    {
        get
        {
            lock (_lock)
            {
                return [.. _excused];
            }
        }
    }

    public readonly record struct Span(long Start, long End)
    {
        public long Length => Math.Max(0, End - Start);
    }

    public sealed record Term(string Node, long Token, long Start, long End);
}
