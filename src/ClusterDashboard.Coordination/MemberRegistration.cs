using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>Registers this node as an ephemeral znode under the members path, so it can be discovered, and keeps its
/// published state current.</summary>
public sealed class MemberRegistration(string membersPath, MemberPayload payload, IReadOnlyList<Acl> acl, ILogger logger)
{
    private readonly string _path = ZooKeeperPath.Combine(membersPath, payload.NodeId);
    private MemberPayload _payload = payload;

    public string Path => _path;

    public async Task RegisterAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        await ZooKeeperPaths.EnsureAsync(zk, membersPath, acl, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            try
            {
                await zk.CreateAsync(_path, _payload.ToBytes(), CreateMode.Ephemeral, acl, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NodeExists)
            {
                var existing = await zk.ExistsAsync(_path, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (existing is null || existing.EphemeralOwner == zk.SessionId)
                {
                    if (existing is not null)
                    {
                        return; // ours already: a create that went through before a ConnectionLoss
                    }

                    continue;
                }

                // A restarted node finds its previous process's znode, alive until that session expires. The node id is
                // this node's, so the stale registration is replaced rather than waited out.
                logger.MemberReplaced(_path, _payload.NodeId, LogHex.Of(existing.EphemeralOwner), LogHex.Of(zk.SessionId));
                _payload = _payload with { Replaced = existing.EphemeralOwner };
                try
                {
                    await zk.DeleteAsync(_path, existing.Version, cancellationToken).ConfigureAwait(false);
                }
                catch (ZooKeeperException d) when (d.Code is ZooKeeperErrorCode.NoNode or ZooKeeperErrorCode.BadVersion)
                {
                }
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
            {
                await zk.WaitForStateAsync(s => s == ConnectionState.Connected, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Publishes a new state; best effort, since a disconnected node cannot write and says so on reconnect.</summary>
    public async Task PublishStateAsync(ZooKeeperClient zk, NodeState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zk);
        _payload = _payload with { State = state };
        try
        {
            await zk.SetDataAsync(_path, _payload.ToBytes(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ZooKeeperException e)
        {
            logger.StateNotPublished(state, _payload.NodeId, _path, e.Message);
        }
    }
}
