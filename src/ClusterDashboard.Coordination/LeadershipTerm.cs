namespace ClusterDashboard.Coordination;

/// <summary>A participant's state and fencing token read at one moment, so that no reader sees a leader without its
/// token, or a token beside a state that no longer leads.</summary>
/// <param name="Epoch">The fencing token when <paramref name="State"/> is Leader, else null.</param>
public readonly record struct LeadershipTerm(LeadershipState State, long? Epoch)
{
    /// <summary>When this term began, while <see cref="State"/> is Leader; read with the token, so a term is never
    /// told with the start of another.</summary>
    public DateTimeOffset? Since { get; init; }
}
