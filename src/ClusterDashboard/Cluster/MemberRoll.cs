using ClusterDashboard.Coordination;

namespace ClusterDashboard.Cluster;

/// <summary>A member that was in the view and is gone from it, with when it was last seen.</summary>
public sealed record DepartedMember(MemberInfo Last, DateTimeOffset LastSeen);

/// <summary>
/// Remembers every member this node has seen, so one that died for real (its member and status znodes expired with
/// its sessions) stays listed as down, with when it was last seen, until it comes back or an operator forgets it.
/// It is this node's memory only: ZooKeeper holds nothing of a node that is gone.
/// </summary>
public sealed class MemberRoll
{
    /// <summary>At most this many departed members are remembered (the oldest are forgotten first).</summary>
    public const int MaxRemembered = 100;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DepartedMember> _departed = new(StringComparer.Ordinal);
    private Dictionary<string, MemberInfo> _present = new(StringComparer.Ordinal);

    public IReadOnlyList<DepartedMember> Departed
    {
        get
        {
            lock (_lock)
            {
                return [.. _departed.Values.OrderBy(d => d.Last.NodeId, StringComparer.Ordinal)];
            }
        }
    }

    public void Observe(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            var present = snapshot.Members.ToDictionary(m => m.NodeId, StringComparer.Ordinal);
            foreach (var (id, last) in _present)
            {
                if (!present.ContainsKey(id))
                {
                    _departed[id] = new DepartedMember(last, snapshot.ObservedAt);
                }
            }

            foreach (var id in present.Keys)
            {
                _departed.Remove(id); // back
            }

            foreach (var oldest in _departed.Values.OrderBy(d => d.LastSeen).Take(Math.Max(0, _departed.Count - MaxRemembered)).ToList())
            {
                _departed.Remove(oldest.Last.NodeId);
            }

            _present = present;
        }
    }

    /// <summary>Stops listing a departed member; false if it is not one.</summary>
    public bool Forget(string nodeId)
    {
        lock (_lock)
        {
            return _departed.Remove(nodeId);
        }
    }
}
