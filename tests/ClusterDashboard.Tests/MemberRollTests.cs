using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;

namespace ClusterDashboard.Tests;

public sealed class MemberRollTests
{
    [Fact]
    public void A_member_gone_from_the_view_is_remembered_as_departed_until_it_returns_or_is_forgotten()
    {
        var roll = new MemberRoll();
        var three = ClusterViews.Chain(("node-1", 1), ("node-2", 2), ("node-3", 3));
        var two = ClusterViews.Chain(("node-1", 1), ("node-2", 2)) with { ObservedAt = ClusterViews.At.AddMinutes(1) };

        roll.Observe(three);
        roll.Observe(two);
        var gone = Assert.Single(roll.Departed);
        Assert.Equal(("node-3", ClusterViews.At.AddMinutes(1)), (gone.Last.NodeId, gone.LastSeen));

        roll.Observe(three);
        Assert.Empty(roll.Departed); // back

        roll.Observe(two);
        Assert.True(roll.Forget("node-3"));
        Assert.Empty(roll.Departed);
        Assert.False(roll.Forget("node-3"));
    }
}
