using System.Threading.Channels;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Coordination;

/// <summary>
/// Keeps a live copy of the cluster's tree on its own session (one that faults never touch), from a full load plus a
/// persistent recursive watch on the root, and turns it into <see cref="ClusterSnapshot"/>s.
/// </summary>
public sealed class ClusterObserver : IClusterObserver, IAsyncDisposable
{
    private readonly ClusterNodeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TreeCache _tree;
    private ClusterSnapshot _current;
    private TreeSnapshot _treeSnapshot = TreeSnapshot.Empty;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public ClusterObserver(ClusterNodeOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<ClusterObserver>();
        _tree = new TreeCache("/", time);
        _current = ClusterSnapshot.Empty(time.GetUtcNow());
    }

    public event Action<ClusterSnapshot>? SnapshotChanged;

    public event Action<ZnodeChange>? ZnodeChanged;

    public ClusterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>A consistent copy of the whole cached tree (the cluster's root, without /zookeeper).</summary>
    public TreeSnapshot Tree => Volatile.Read(ref _treeSnapshot);

    /// <summary>The observer's current session: faults never touch it, so commands, status and history go through it.</summary>
    public ZooKeeperClient? Client { get; private set; }

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
                await zk.EnsureChrootAsync(cancellationToken).ConfigureAwait(false);
                Client = zk;
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
        await zk.AddWatchAsync(_tree.Root, OnEvent, AddWatchMode.PersistentRecursive, cancellationToken).ConfigureAwait(false);
        work.Writer.TryWrite(null);
        await foreach (var item in work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                IReadOnlyList<ZnodeChange> changes = item is null
                    ? await _tree.LoadAsync(zk, cancellationToken).ConfigureAwait(false)
                    : await _tree.ApplyAsync(zk, item, cancellationToken).ConfigureAwait(false) is { } change ? [change] : [];
                Publish(changes, force: item is null);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.ConnectionLoss)
            {
                // The reconnect queues a reload, which catches up on whatever this missed.
            }
        }
    }

    private void Publish(IReadOnlyList<ZnodeChange> changes, bool force)
    {
        var tree = _tree.Snapshot();
        Volatile.Write(ref _treeSnapshot, tree);
        foreach (var change in changes.Where(c => c.Path != _options.HeartbeatPath))
        {
            // A beat a second is not news for the event log; it only refreshes the view.
            ZnodeChanged?.Invoke(change);
        }

        var snapshot = ClusterSnapshotBuilder.Build(_options, tree, _time.GetUtcNow());
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
