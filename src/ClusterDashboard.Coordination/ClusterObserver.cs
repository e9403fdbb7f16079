using System.Threading.Channels;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// Keeps a live copy of the election and members znodes on its own session (one that faults never touch), from an
/// initial load plus persistent recursive watches, and turns it into <see cref="ClusterSnapshot"/>s.
/// </summary>
public sealed class ClusterObserver : IClusterObserver, IAsyncDisposable
{
    private readonly ClusterNodeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, NodeData> _cache = new(StringComparer.Ordinal);
    private ClusterSnapshot _current;
    private HeartbeatInfo? _heartbeat;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public ClusterObserver(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<ClusterObserver>();
        _current = ClusterSnapshot.Empty(time.GetUtcNow());
    }

    public event Action<ClusterSnapshot>? SnapshotChanged;

    public event Action<ZnodeChange>? ZnodeChanged;

    public ClusterSnapshot Current => Volatile.Read(ref _current);

    private IEnumerable<string> Roots => [_options.ElectionPath, _options.MembersPath];

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var zk = await ZooKeeperClient.ConnectAsync(
                    new ZooKeeperClientOptions { ConnectString = _options.ConnectString, SessionTimeout = _options.SessionTimeout },
                    _loggerFactory,
                    _time,
                    cancellationToken).ConfigureAwait(false);
                await ObserveAsync(zk, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning("Cluster observer session failed: {Reason}; starting a new one", e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // One loop applies every change in order: events and reloads never interleave, so the cache moves forward only.
    private async Task ObserveAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var work = Channel.CreateUnbounded<WatchedEvent?>(new UnboundedChannelOptions { SingleReader = true });
        void OnEvent(WatchedEvent e) => work.Writer.TryWrite(e);
        void OnState(ConnectionState state)
        {
            // Persistent watches miss what changed while disconnected: reload after every reconnect.
            if (state == ConnectionState.Connected)
            {
                work.Writer.TryWrite(null);
            }
            else if (state is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed)
            {
                work.Writer.TryComplete();
            }
        }

        zk.StateChanged += OnState;
        foreach (var root in Roots)
        {
            await zk.AddWatchAsync(root, OnEvent, AddWatchMode.PersistentRecursive, cancellationToken).ConfigureAwait(false);
        }

        await zk.AddWatchAsync(_options.HeartbeatPath, OnEvent, AddWatchMode.Persistent, cancellationToken).ConfigureAwait(false);

        work.Writer.TryWrite(null);
        await foreach (var item in work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (item is null)
                {
                    await ReloadAsync(zk, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ApplyAsync(zk, item, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
            {
                // The reconnect queues a reload, which catches up on whatever this missed.
            }
        }
    }

    private async Task ReloadAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var fresh = new Dictionary<string, NodeData>(StringComparer.Ordinal);
        foreach (var root in Roots)
        {
            IReadOnlyList<string> children;
            try
            {
                children = await zk.GetChildrenAsync(root, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
            {
                continue;
            }

            var reads = children.Select(c => ReadAsync(zk, ZooKeeperPath.Combine(root, c), cancellationToken)).ToList();
            foreach (var (path, data) in await Task.WhenAll(reads).ConfigureAwait(false))
            {
                if (data is not null)
                {
                    fresh[path] = data;
                }
            }
        }

        _heartbeat = await ReadHeartbeatAsync(zk, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var changes = new List<ZnodeChange>();
        foreach (var (path, data) in fresh)
        {
            if (!_cache.TryGetValue(path, out var old))
            {
                changes.Add(new ZnodeChange(path, ZnodeChangeKind.Created, now));
            }
            else if (old.Stat.Mzxid != data.Stat.Mzxid)
            {
                changes.Add(new ZnodeChange(path, ZnodeChangeKind.DataChanged, now));
            }
        }

        changes.AddRange(_cache.Keys.Where(p => !fresh.ContainsKey(p)).Select(p => new ZnodeChange(p, ZnodeChangeKind.Deleted, now)));
        _cache.Clear();
        foreach (var (path, data) in fresh)
        {
            _cache[path] = data;
        }

        foreach (var change in changes)
        {
            ZnodeChanged?.Invoke(change);
        }

        Publish(force: true);
    }

    private async Task ApplyAsync(ZooKeeperClient zk, WatchedEvent e, CancellationToken cancellationToken)
    {
        if (e.Path is not { } path)
        {
            return;
        }

        var kind = e.Type switch
        {
            WatchEventType.NodeCreated => ZnodeChangeKind.Created,
            WatchEventType.NodeDeleted => ZnodeChangeKind.Deleted,
            WatchEventType.NodeDataChanged => ZnodeChangeKind.DataChanged,
            _ => (ZnodeChangeKind?)null,
        };
        if (kind is null)
        {
            return;
        }

        if (path == _options.HeartbeatPath)
        {
            // A beat a second is not news for the event log; it only refreshes the view.
            _heartbeat = await ReadHeartbeatAsync(zk, cancellationToken).ConfigureAwait(false);
            Publish(force: false);
            return;
        }

        ZnodeChanged?.Invoke(new ZnodeChange(path, kind.Value, _time.GetUtcNow()));
        if (!Roots.Contains(ZooKeeperPath.Parent(path)))
        {
            if (Roots.Contains(path) && kind == ZnodeChangeKind.Created)
            {
                await ReloadAsync(zk, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (kind == ZnodeChangeKind.Deleted)
        {
            _cache.Remove(path);
        }
        else
        {
            var (_, data) = await ReadAsync(zk, path, cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                _cache.Remove(path);
            }
            else
            {
                _cache[path] = data;
            }
        }

        Publish(force: false);
    }

    private async Task<HeartbeatInfo?> ReadHeartbeatAsync(ZooKeeperClient zk, CancellationToken cancellationToken)
    {
        var (_, data) = await ReadAsync(zk, _options.HeartbeatPath, cancellationToken).ConfigureAwait(false);
        return data is null ? null : HeartbeatInfo.TryParse(data.Data);
    }

    private static async Task<(string Path, NodeData? Data)> ReadAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        try
        {
            return (path, await zk.GetDataAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoNode)
        {
            return (path, null);
        }
    }

    private void Publish(bool force)
    {
        var snapshot = ClusterSnapshotBuilder.Build(_options, _cache, _heartbeat, _time.GetUtcNow());
        var previous = Current;
        Volatile.Write(ref _current, snapshot);
        if (force || !ClusterSnapshotBuilder.SameContent(previous, snapshot))
        {
            SnapshotChanged?.Invoke(snapshot);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
