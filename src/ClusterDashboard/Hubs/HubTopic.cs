namespace ClusterDashboard.Hubs;

/// <summary>What a hub client hears: it names the topics it wants when it connects (<c>?topics=leader,members</c>),
/// or hears them all. A service that follows the leader takes <see cref="Leader"/> only and is not sent the dozen other
/// messages a failover makes.</summary>
public enum HubTopic
{
    /// <summary>LeaderChanged.</summary>
    Leader,

    /// <summary>ElectionChanged.</summary>
    Election,

    /// <summary>MembersChanged.</summary>
    Members,

    /// <summary>HeartbeatChanged.</summary>
    Heartbeat,

    /// <summary>ZnodeChanged.</summary>
    Znodes,

    /// <summary>LocalStateChanged.</summary>
    LocalState,
}

public static class HubTopics
{
    private static readonly (HubTopic Topic, string Name)[] Names =
    [
        (HubTopic.Leader, "leader"), (HubTopic.Election, "election"), (HubTopic.Members, "members"),
        (HubTopic.Heartbeat, "heartbeat"), (HubTopic.Znodes, "znodes"), (HubTopic.LocalState, "localstate"),
    ];

    public static IReadOnlyList<HubTopic> All { get; } = [.. Names.Select(n => n.Topic)];

    public static string Name(this HubTopic topic) => Names.First(n => n.Topic == topic).Name;

    /// <summary>The SignalR group of a topic's listeners.</summary>
    public static string Group(this HubTopic topic) => "topic:" + topic.Name();

    /// <summary>Reads <c>?topics</c>: a comma list of topic names; every topic when absent. Null when a name is not
    /// a topic (or the list is empty or too long to be one).</summary>
    public static IReadOnlyList<HubTopic>? Parse(string? topics)
    {
        if (topics is null)
        {
            return All;
        }

        if (topics.Length > 128)
        {
            return null;
        }

        var chosen = new List<HubTopic>();
        foreach (var name in topics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                return null;
            }

            if (!chosen.Contains(match.Topic))
            {
                chosen.Add(match.Topic);
            }
        }

        return chosen.Count == 0 ? null : chosen;
    }
}
