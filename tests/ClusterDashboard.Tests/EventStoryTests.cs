using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Tests;

/// <summary>The event log tells a znode change by where the node keeps its election, sessions and members.</summary>
public sealed class EventStoryTests
{
    private static readonly ClusterNodeOptions Paths = new()
    {
        ConnectString = "127.0.0.1:2181",
        NodeId = "node-1",
        AdvertisedUrl = "http://127.0.0.1:5001",
        ElectionPath = "/app/election",
        MembersPath = "/app/members",
    };

    private static (EventTopic, string) Told(string path, ZnodeChangeKind kind)
    {
        var line = EventStory.Of(new ZnodeEvent(new ZnodeChange(path, kind, DateTimeOffset.UnixEpoch)), TreeSnapshot.Empty, Paths)!;
        return (line.Topic, line.Text);
    }

    [Fact]
    public void Changes_are_told_by_the_node_s_own_paths_and_the_default_ones_are_just_znodes()
    {
        Assert.Equal((EventTopic.Queue, "candidate #7 left the election queue"), Told("/app/election/c-0000000007", ZnodeChangeKind.Deleted));
        Assert.Equal((EventTopic.Members, "node-2 registered as a member"), Told("/app/members/node-2", ZnodeChangeKind.Created));
        Assert.Equal((EventTopic.Routine, "session marker s-1 deleted"), Told(Paths.ElectionSessionsPath + "/s-1", ZnodeChangeKind.Deleted));

        // Where the defaults would be, it is somebody else's znode: told as the change it is, not as our queue.
        Assert.Equal((EventTopic.Routine, "deleted /election/c-0000000007"), Told("/election/c-0000000007", ZnodeChangeKind.Deleted));
        Assert.Equal((EventTopic.Routine, "created /members/node-2"), Told("/members/node-2", ZnodeChangeKind.Created));
    }
}
