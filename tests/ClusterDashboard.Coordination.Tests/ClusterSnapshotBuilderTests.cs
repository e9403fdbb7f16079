using System.Collections.Frozen;
using System.Text;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Tests;

/// <summary>What the view makes of znodes anyone with write access could have written.</summary>
public sealed class ClusterSnapshotBuilderTests
{
    private static readonly ClusterNodeOptions Options = new() { ConnectString = "127.0.0.1:1", NodeId = "node-1", AdvertisedUrl = "http://n1" };

    private static NodeData Node(string json, long czxid = 10, long owner = 0x42, int cversion = 0, int children = 0) =>
        new(Encoding.UTF8.GetBytes(json), new Stat(czxid, czxid, 0, 0, 0, cversion, 0, owner, json.Length, children, czxid));

    // A member znode of nodeId, owned by session owner: what a node registers before it queues, on the same session.
    private static (string, NodeData) Member(string nodeId, long owner, long czxid = 5, long? replaced = null) =>
        ($"/members/{nodeId}", Node($$"""{"nodeId":"{{nodeId}}","url":"http://{{nodeId}}","startedAt":"2026-12-01T00:00:00Z","version":"1","state":"follower"{{(replaced is { } r ? $",\"replaced\":{r}" : "")}}}""", czxid, owner));

    private static readonly (string, NodeData) Members = ("/members", Node("", owner: 0));

    private static ClusterSnapshot Build(params (string Path, NodeData Node)[] nodes) =>
        ClusterSnapshotBuilder.Build(Options, new TreeSnapshot(100, nodes.ToFrozenDictionary(n => n.Path, n => n.Node, StringComparer.Ordinal)), DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("//evil.example/x")]
    [InlineData("not a url")]
    public void A_member_url_that_is_not_absolute_http_is_not_passed_on(string url)
    {
        var snapshot = Build(
            ("/members", Node("", owner: 0)),
            ("/members/node-2", Node($$"""{"nodeId":"node-2","url":"{{url}}","startedAt":"2026-12-01T00:00:00Z","version":"1","state":"follower"}""")));

        Assert.Null(Assert.Single(snapshot.Members).Url);
    }

    [Fact]
    public void A_member_or_status_speaks_only_for_the_node_it_is_named_after()
    {
        var snapshot = Build(
            ("/members", Node("", owner: 0)),
            ("/members/node-2", Node("""{"nodeId":"node-2","url":"http://n2","startedAt":"2026-12-01T00:00:00Z","version":"1","state":"follower"}""")),
            ("/members/evil", Node("""{"nodeId":"node-2","url":"http://evil.example","startedAt":"2026-12-01T00:00:00Z","version":"1","state":"leader"}""")),
            ("/status", Node("", owner: 0)),
            ("/status/x", Node("""{"nodeId":"node-2","url":"http://evil.example","state":"crashed","faultId":"f-1","policy":"standard","at":"2026-12-01T00:00:00Z"}""")));

        var member = Assert.Single(snapshot.Members);
        Assert.Equal("http://n2", member.Url);
        Assert.Equal(NodeState.Follower, member.State);
    }

    [Fact]
    public void A_candidate_payload_naming_a_bad_url_or_no_valid_node_id_names_nobody()
    {
        var snapshot = Build(
            ("/election", Node("", owner: 0, cversion: 2, children: 2)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-9","url":"javascript:alert(1)"}""", czxid: 11)),
            Members,
            Member("node-9", 0x42),
            ("/election/_c_b-n_0000000001", Node("""{"nodeId":"bad id!","url":"http://evil.example"}""", czxid: 12)));

        Assert.Equal("node-9", snapshot.Leader!.NodeId);
        Assert.Null(snapshot.Leader.Url);
        Assert.Null(snapshot.Candidates[1].NodeId);
        Assert.Null(snapshot.Candidates[1].Url);
    }

    [Fact]
    public void A_candidate_speaks_only_for_the_node_whose_member_znode_its_own_session_owns()
    {
        // node-2 is registered on session 0x52; the head was made later by session 0x66 and claims to be node-2. Only
        // node-2's own candidate is what it says.
        var snapshot = Build(
            ("/election", Node("", owner: 0, cversion: 2, children: 2)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-2","url":"http://evil.example"}""", czxid: 11, owner: 0x66)),
            ("/election/_c_c-n_0000000001", Node("""{"nodeId":"node-2","url":"http://node-2"}""", czxid: 13, owner: 0x52)),
            Members,
            Member("node-2", 0x52));

        Assert.Equal("_c_a-n_0000000000", snapshot.Leader!.NodeId); // leads, as ZooKeeper says, but as nobody we know
        Assert.Null(snapshot.Leader.Url);
        Assert.Equal([null, "node-2"], snapshot.Candidates.Select(c => c.NodeId));
        Assert.False(Assert.Single(snapshot.Members).IsLeader);
    }

    [Fact]
    public void A_leader_whose_member_znode_went_a_moment_before_its_candidate_is_still_named()
    {
        // Its session expired: both ephemerals went in one transaction, and the view has applied the member's deletion
        // but not yet the candidate's. No other leader may flash by in between.
        var snapshot = Build(
            ("/election", Node("", owner: 0, cversion: 2, children: 2)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-1","url":"http://node-1"}""", czxid: 11, owner: 0x51)),
            ("/election/_c_b-n_0000000001", Node("""{"nodeId":"node-2","url":"http://node-2"}""", czxid: 13, owner: 0x52)),
            Members,
            Member("node-2", 0x52));

        Assert.Equal("node-1", snapshot.Leader!.NodeId);
    }

    [Fact]
    public void A_restarted_node_s_previous_candidate_still_speaks_for_it_until_its_session_ends()
    {
        // node-1 crashed while it led (session 0x51) and came back on session 0x61: its new member znode replaced the
        // old one, and the old candidate heads the queue until the old session expires. A candidate made by yet another
        // session, while node-1 was down, is not node-1's for being older than its member znode.
        var snapshot = Build(
            ("/election", Node("", owner: 0, cversion: 3, children: 3)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-1","url":"http://node-1"}""", czxid: 11, owner: 0x51)),
            ("/election/_c_x-n_0000000001", Node("""{"nodeId":"node-1","url":"http://evil.example"}""", czxid: 21, owner: 0x66)),
            ("/election/_c_b-n_0000000002", Node("""{"nodeId":"node-1","url":"http://node-1"}""", czxid: 31, owner: 0x61)),
            Members,
            Member("node-1", 0x61, czxid: 30, replaced: 0x51));

        Assert.Equal("node-1", snapshot.Leader!.NodeId);
        Assert.Equal(["node-1", null, "node-1"], snapshot.Candidates.Select(c => c.NodeId));
    }

    [Fact]
    public void A_node_that_believes_it_leads_against_the_queue_keeps_its_belief_and_is_called_out()
    {
        // node-1's candidate heads the queue; node-3 still says it leads (a forged head, a lease not yet run out).
        const string Status = """{"nodeId":"{0}","url":"http://{0}","state":"{1}","policy":"standard","at":"2026-12-01T00:00:00Z","believes":"{1}","epoch":{2}}""";
        var snapshot = Build(
            ("/election", Node("", owner: 0, cversion: 1, children: 1)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-1","url":"http://node-1"}""", czxid: 11, owner: 0x51)),
            Members,
            Member("node-1", 0x51),
            ("/status", Node("", owner: 0)),
            ("/status/node-1", Node(Status.Replace("{0}", "node-1").Replace("{1}", "leader").Replace("{2}", "11"))),
            ("/status/node-3", Node(Status.Replace("{0}", "node-3").Replace("{1}", "leader").Replace("{2}", "7"))));

        var disagreements = BeliefCheck.Of(snapshot);

        Assert.Equal("node-1", snapshot.Leader?.NodeId);
        Assert.Equal([("node-1", NodeState.Leader), ("node-3", NodeState.Leader)], snapshot.Beliefs.Select(b => (b.NodeId, b.Believes)));
        Assert.Contains(disagreements, d => d.Severity == DisagreementSeverity.Danger && d.Nodes.SequenceEqual(["node-1", "node-3"]) && d.Sentence.StartsWith("node-1 and node-3 all believe they lead", StringComparison.Ordinal));
        var against = Assert.Single(disagreements, d => d.Key == "believes-leads:node-3");
        Assert.Contains("ZooKeeper's oldest candidate is node-1's (#0, epoch 11, session 0x51)", against.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_head_s_node_believing_it_leads_in_an_older_term_is_called_out_and_the_current_term_is_not()
    {
        // node-1 resigned in epoch 7 and queued again; its new candidate (epoch 11) heads the queue, but its status
        // still says it leads in 7: by name it agrees with ZooKeeper, by term it does not.
        const string Status = """{"nodeId":"node-1","url":"http://node-1","state":"leader","policy":"standard","at":"2026-12-01T00:00:00Z","believes":"leader","epoch":{0}}""";
        (string, NodeData)[] Tree(int epoch) =>
        [
            ("/election", Node("", owner: 0, cversion: 1, children: 1)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-1","url":"http://node-1"}""", czxid: 11, owner: 0x51)),
            Members,
            Member("node-1", 0x51),
            ("/status", Node("", owner: 0)),
            ("/status/node-1", Node(Status.Replace("{0}", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        ];

        var stale = Assert.Single(BeliefCheck.Of(Build(Tree(7))));

        Assert.Equal(("old-term:node-1", DisagreementSeverity.Danger), (stale.Key, stale.Severity));
        Assert.StartsWith("node-1 believes it leads in epoch 7, but ZooKeeper's oldest candidate is its newer one (#0, epoch 11", stale.Sentence, StringComparison.Ordinal);
        Assert.Empty(BeliefCheck.Of(Build(Tree(11))));
    }

    [Fact]
    public void A_queue_head_that_does_not_know_it_leads_yet_is_a_warning_and_agreement_is_silent()
    {
        const string Status = """{"nodeId":"node-1","url":"http://node-1","state":"{0}","policy":"standard","at":"2026-12-01T00:00:00Z","believes":"{0}"}""";
        (string, NodeData)[] Tree(string believes) =>
        [
            ("/election", Node("", owner: 0, cversion: 1, children: 1)),
            ("/election/_c_a-n_0000000000", Node("""{"nodeId":"node-1","url":"http://node-1"}""", czxid: 11, owner: 0x51)),
            Members,
            Member("node-1", 0x51),
            ("/status", Node("", owner: 0)),
            ("/status/node-1", Node(Status.Replace("{0}", believes))),
        ];

        Assert.Equal(DisagreementSeverity.Warning, Assert.Single(BeliefCheck.Of(Build(Tree("follower")))).Severity);
        Assert.Empty(BeliefCheck.Of(Build(Tree("leader"))));
    }
}
