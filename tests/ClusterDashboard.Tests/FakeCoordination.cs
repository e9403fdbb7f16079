using ClusterDashboard.Coordination;

namespace ClusterDashboard.Tests;

/// <summary>A hand-set cluster view, for API tests that need no ZooKeeper.</summary>
internal sealed class FakeCoordination : IClusterObserver, IElectionParticipant
{
    public ClusterSnapshot Current { get; set; } = ClusterSnapshot.Empty(DateTimeOffset.UnixEpoch);

    public string NodeId => "node-1";

    public LeadershipState State { get; set; } = LeadershipState.Follower;

    public long? Epoch { get; set; }

    public string? Znode { get; set; } = "n_0000000002";

#pragma warning disable CS0067 // the API reads the current view; nothing here changes it
    public event Action<ClusterSnapshot>? SnapshotChanged;

    public event Action<ZnodeChange>? ZnodeChanged;

    public event Action<LeadershipChange>? LeadershipChanged;
#pragma warning restore CS0067

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
            new("node-1", "http://n1", at, "1.0", false, "follower"),
            new("node-2", "http://n2", at, "1.0", true, "leader"),
        ];
        return new ClusterSnapshot(new LeaderInfo("node-2", "http://n2", 7, "n_0000000007", at), candidates, members, 42, at);
    }
}
