using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Tests;

/// <summary>Cluster views shaped like the ones the real observer builds: the lowest sequence leads, each other
/// candidate watches its predecessor, every candidate is also a member.</summary>
internal static class ClusterViews
{
    public static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static ClusterSnapshot Chain(params (string NodeId, long Sequence)[] candidates)
    {
        var ordered = candidates.OrderBy(c => c.Sequence).ToList();
        var infos = new List<CandidateInfo>();
        string? predecessor = null;
        foreach (var (nodeId, sequence) in ordered)
        {
            var znode = Znode(nodeId, sequence);
            infos.Add(new CandidateInfo(znode, sequence, nodeId, Url(nodeId), predecessor is null, predecessor) { Czxid = Czxid(sequence) });
            predecessor = znode;
        }

        var members = ordered
            .Select((c, i) => new MemberInfo(c.NodeId, Url(c.NodeId), At.AddSeconds(-30 + i), "0.1.0", i == 0, i == 0 ? NodeState.Leader : NodeState.Follower))
            .OrderBy(m => m.NodeId, StringComparer.Ordinal)
            .ToList();
        var leader = infos.Count == 0 ? null : new LeaderInfo(infos[0].NodeId!, infos[0].Url, infos[0].Czxid, infos[0].Znode, At) { Sequence = infos[0].Sequence };
        return new ClusterSnapshot(leader, infos, members, 0x1a + ordered.Count, At);
    }

    /// <summary>A candidate's creation zxid, as a real ensemble would hand them out: far from its sequence number.</summary>
    public static long Czxid(long sequence) => 0x1_0000_0000 + (sequence * 7);

    public static string Url(string nodeId) => $"http://127.0.0.1:500{nodeId[^1..]}";

    // The real candidates carry a per-attempt id before the sequence suffix (the protected-ephemeral recipe).
    public static string Znode(string nodeId, long sequence) =>
        $"_c_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeId)))[..32]}-n_{sequence.ToString("D10", CultureInfo.InvariantCulture)}";
}
