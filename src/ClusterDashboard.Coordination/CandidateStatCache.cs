using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination;

/// <summary>
/// What one participant knows of the election's children between its passes: each one's czxid and owner, which never
/// change for a znode, so a pass reads them only for names it has not seen. A failover pass (a deletion, nothing
/// created) then costs no read beyond the listing. Names that appeared since the previous pass were created after
/// every name known then, this participant's own candidate included, so they cannot change its place in the queue;
/// their stats are fetched after the decision. When the parent's create count rose by more than the new names
/// explain (a child created and deleted between two passes, or a name deleted and made again), every stat is read
/// anew before deciding.
/// </summary>
internal sealed class CandidateStatCache(string electionPath)
{
    private const int ReadsPerMulti = 256;

    private readonly Dictionary<string, ElectionChild> _known = new(StringComparer.Ordinal);
    private readonly List<string> _unread = [];
    private long _creates = -1;

    /// <summary>The children to decide on: every listed name whose stat is known, the new ones left out.</summary>
    public async Task<IReadOnlyList<ElectionChild>> ChildrenAsync(ZooKeeperClient zk, IReadOnlyList<string> names, long creates, CancellationToken cancellationToken)
    {
        var listed = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var gone in _known.Keys.Where(n => !listed.Contains(n)).ToList())
        {
            _known.Remove(gone);
        }

        _unread.Clear();
        _unread.AddRange(names.Where(n => !_known.ContainsKey(n)));
        var explained = _creates >= 0 && creates - _creates == _unread.Count;
        // Until a read succeeds the count is unknown: a pass that fails half way makes the next one read everything.
        _creates = -1;
        if (!explained)
        {
            _known.Clear();
            await ReadAsync(zk, names, cancellationToken).ConfigureAwait(false);
            _unread.Clear();
        }

        _creates = creates;
        return [.. _known.Values];
    }

    /// <summary>Reads the stats of the names the last pass left out, so the next pass knows them.</summary>
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
        _creates = -1;
    }

    private async Task ReadAsync(ZooKeeperClient zk, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        foreach (var chunk in names.Chunk(ReadsPerMulti))
        {
            var reads = await zk.MultiReadAsync(chunk.Select(n => ReadOperation.GetData(ZooKeeperPath.Combine(electionPath, n))), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                // A child gone meanwhile is simply not known; the next listing will not have it either.
                if (reads[i] is DataReadResult data)
                {
                    _known[chunk[i]] = new ElectionChild(chunk[i], data.Node.Stat.Czxid, data.Node.Stat.EphemeralOwner);
                }
            }
        }
    }
}
