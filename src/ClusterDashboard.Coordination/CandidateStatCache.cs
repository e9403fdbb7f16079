using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// What one participant knows of the election's children between its passes: each one's czxid and owner, which never
/// change for a znode, so a pass reads them only for names it has not seen. A failover pass (a deletion, nothing
/// created) then costs no read beyond the listing. Names that appeared since the previous listing were created after
/// every name known then, this participant's own candidate included, so they queue behind it and cannot change its
/// place: they are only counted, and their stats fetched after the decision. Whenever that reasoning does not hold,
/// every stat is read anew before deciding: the first pass of a candidate, a name listed before whose stat is still
/// unknown, or a create count that rose by more than the new names explain (a child made and removed between two
/// passes, or a name removed and made again).
/// </summary>
internal sealed class CandidateStatCache(string electionPath)
{
    private const int ReadsPerBatch = 256;

    private readonly Dictionary<string, ElectionChild> _known = new(StringComparer.Ordinal);
    private readonly List<string> _unread = [];
    private HashSet<string> _listed = new(StringComparer.Ordinal);
    private long _creates = -1;

    /// <summary>The children to decide on, with their stats, and how many listed children are younger than all of them.</summary>
    public async Task<(IReadOnlyList<ElectionChild> Children, int NewerUnread)> ChildrenAsync(ZooKeeperClient zk, IReadOnlyList<string> names, long creates, CancellationToken cancellationToken)
    {
        var listed = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var gone in _known.Keys.Where(n => !listed.Contains(n)).ToList())
        {
            _known.Remove(gone);
        }

        var fresh = names.Where(n => !_listed.Contains(n)).ToList();
        var explained = _creates >= 0 && creates - _creates == fresh.Count && names.All(n => _known.ContainsKey(n) || !_listed.Contains(n));

        // Until a read succeeds nothing is known for sure: a pass that fails half way makes the next one read everything.
        _creates = -1;
        _listed = [];
        _unread.Clear();
        if (explained)
        {
            _unread.AddRange(fresh);
        }
        else
        {
            _known.Clear();
            await ReadAsync(zk, names, cancellationToken).ConfigureAwait(false);
        }

        _creates = creates;
        _listed = listed;
        return ([.. _known.Values], _unread.Count);
    }

    /// <summary>Reads the stats of the names the last pass only counted, so the next pass knows them.</summary>
    public async Task CatchUpAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        if (_unread.Count > 0)
        {
            var creates = _creates;
            _creates = -1;
            await ReadAsync(zk, _unread, cancellationToken).ConfigureAwait(false);
            _unread.Clear();
            _creates = creates;
        }
    }

    /// <summary>Forgets everything, for a new session or a new candidate.</summary>
    public void Clear()
    {
        _known.Clear();
        _unread.Clear();
        _listed = new HashSet<string>(StringComparer.Ordinal);
        _creates = -1;
    }

    // Exists answers with the stat alone (whatever data a child holds), and pipelined requests cost one round trip.
    private async Task ReadAsync(ZooKeeperClient zk, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        foreach (var batch in names.Chunk(ReadsPerBatch))
        {
            var stats = await Task.WhenAll(batch.Select(n => zk.ExistsAsync(ZooKeeperPath.Combine(electionPath, n), cancellationToken: cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                // A child gone meanwhile is simply not known; the next listing will not have it either.
                if (stats[i] is { } stat)
                {
                    _known[batch[i]] = new ElectionChild(batch[i], stat.Czxid, stat.EphemeralOwner);
                }
            }
        }
    }
}
