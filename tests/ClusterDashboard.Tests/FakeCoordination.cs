using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;

namespace ClusterDashboard.Tests;

/// <summary>A hand-set cluster view and hand-raised events, for tests that need no ZooKeeper.</summary>
internal sealed class FakeCoordination : IClusterObserver, IElectionParticipant, IFaultCommander
{
    public ClusterSnapshot Current { get; set; } = ClusterSnapshot.Empty(DateTimeOffset.UnixEpoch);

    public TreeSnapshot Tree { get; set; } = TreeSnapshot.Empty;

    /// <summary>How current the view is; live by default. Null: built from <see cref="Current"/>, live.</summary>
    public ViewFreshness? SetFreshness
    {
        get => _freshness;
        set
        {
            _freshness = value;
            FreshnessChanged?.Invoke();
        }
    }

    private ViewFreshness? _freshness;

    /// <summary>Changes the freshness as time passing does: no event says so.</summary>
    public void AgeSilently(ViewFreshness? freshness) => _freshness = freshness;

    public event Action? FreshnessChanged;

    public ViewFreshness Freshness => SetFreshness ?? ViewFreshness.SyncedAt(Current.Zxid);

    public Task<ClusterSnapshot> ReadConsistentAsync(CancellationToken cancellationToken) => Task.FromResult(Current);

    public Task<IReadOnlyList<string>?> ReadAclAsync(string path, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(Tree.Nodes.ContainsKey(path) ? ["world:anyone:r"] : null);

    public string NodeId => "node-1";

    /// <summary>The fault orders received, in order.</summary>
    public List<FaultOrder> Orders { get; } = [];

    /// <summary>What the next orders are answered with: null carries them out.</summary>
    public (FaultRefusal Refusal, string Reason)? Refuse { get; set; }

    public bool TakesOrders { get; set; } = true;

    public string? Key { get; set; }

    public bool RequiresKey => Key is not null;

    public bool IsOwnKey(string? supplied) => Key is null || Key == supplied;

    public Task<FaultVerdict> OrderAsync(FaultOrder order, CancellationToken cancellationToken)
    {
        lock (Orders)
        {
            Orders.Add(order);
        }

        return Task.FromResult(Refuse is { } r ? FaultVerdict.Refused("f-0bad", order, r.Refusal, r.Reason) : FaultVerdict.Done("f-0123", order));
    }

    public LeadershipState State { get; set; } = LeadershipState.Follower;

    public LeadershipPolicy Policy { get; set; } = LeadershipPolicy.Standard;

    public long? Epoch { get; set; }

    public LeadershipTerm Term => new(State, Epoch);

    public string? Znode { get; set; } = "n_0000000002";

    public event Action<ClusterSnapshot>? SnapshotChanged;

    public event Action<ZnodeChange>? ZnodeChanged;

    public event Action<LeadershipChange>? LeadershipChanged;

    /// <summary>Replaces the view, then raises the event, in the observer's order: a handler reads the new view.</summary>
    public void Publish(ClusterSnapshot snapshot)
    {
        Current = snapshot;
        SnapshotChanged?.Invoke(snapshot);
    }

    public void Transition(LeadershipChange change)
    {
        State = change.State;
        Epoch = change.Epoch;
        Znode = change.Znode;
        LeadershipChanged?.Invoke(change);
    }

    public void Touch(ZnodeChange change) => ZnodeChanged?.Invoke(change);

    public static ClusterSnapshot ThreeNodes()
    {
        var at = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        CandidateInfo[] candidates =
        [
            new("n_0000000007", 7, "node-2", "http://n2", true, null),
            new("n_0000000008", 8, "node-1", "http://n1", false, "n_0000000007"),
            new("n_0000000009", 9, null, null, false, "n_0000000008"),
        ];
        MemberInfo[] members =
        [
            new("node-1", "http://n1", at, "1.0", false, NodeState.Follower),
            new("node-2", "http://n2", at, "1.0", true, NodeState.Leader),
        ];
        return new ClusterSnapshot(new LeaderInfo("node-2", "http://n2", 7, "n_0000000007", at), candidates, members, 42, at);
    }
}
