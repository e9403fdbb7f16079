using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using ClusterDashboard.ZooKeeper.Internal;
using ClusterDashboard.ZooKeeper.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.ZooKeeper;

/// <summary>
/// A ZooKeeper session over one pipelined connection at a time. Requests are matched to replies by order and xid;
/// when a connection drops, outstanding requests fail with ConnectionLoss and the client resumes the same session on
/// the next server, re-arming its watches. Callbacks (watches, <see cref="StateChanged"/>) run one at a time in the
/// server's order and must not block.
/// </summary>
public sealed partial class ZooKeeperClient : IAsyncDisposable
{
    private readonly ZooKeeperClientOptions _options;
    private readonly ConnectString _connectString;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EventDispatcher _dispatcher;
    private readonly WatchRegistry _watches = new();

    private readonly ZooKeeperClientMetrics? _metrics;

    private ZooKeeperClient(ZooKeeperClientOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _connectString = ConnectString.Parse(options.ConnectString);
        _logger = logger;
        _time = time;
        _dispatcher = new EventDispatcher(logger);
        _metrics = ZooKeeperClientMetrics.For(options.MeterFactory);
        foreach (var credentials in options.DigestAuth)
        {
            _auth.Add(("digest", Encoding.UTF8.GetBytes(credentials)));
        }
    }

    /// <summary>Raised on every state change, in order with watch events.</summary>
    public event Action<ConnectionState>? StateChanged;

    public ConnectionState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>The session id (0 before the first connection).</summary>
    public long SessionId => _sessionId;

    public string SessionIdHex => "0x" + _sessionId.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The timeout the server granted; every client timer derives from it.</summary>
    public TimeSpan SessionTimeout => TimeSpan.FromMilliseconds(NegotiatedTimeoutMs);

    /// <summary>
    /// How long ago the client sent the newest request or ping the server has answered. The server heard from the
    /// session no earlier than that, so it cannot expire it until <see cref="SessionTimeout"/> after that moment: a
    /// leader that stops acting well within the timeout of it can never overlap a successor, whatever happens to the
    /// connection meanwhile. On the client's clock; before the first connection, as long as that clock has run.
    /// </summary>
    public TimeSpan SinceLastAnswered => _time.GetElapsedTime(Volatile.Read(ref _lastAnswered));

    /// <summary>The highest zxid seen in any reply; sent on reconnect so no server older than that serves us.</summary>
    public long LastZxidSeen => Volatile.Read(ref _lastZxid);

    /// <summary>The server currently connected to, "host:port", or null.</summary>
    public string? ConnectedServer { get; private set; }

    /// <summary>Creates a client and waits until its session is established.</summary>
    public static async Task<ZooKeeperClient> ConnectAsync(
        ZooKeeperClientOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        var client = Create(options, loggerFactory, timeProvider);
        try
        {
            await client.WaitForStateAsync(s => s == ConnectionState.Connected, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a client that starts connecting in the background.</summary>
    public static ZooKeeperClient Create(ZooKeeperClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ZooKeeperClient(
            options,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ZooKeeperClient>(),
            timeProvider ?? TimeProvider.System);
        client.StartSession();
        return client;
    }

    /// <summary>Waits until the state satisfies <paramref name="predicate"/>. A final state that does not satisfy it
    /// (expired, closed, auth failed) throws, so a waiter never waits for something that cannot happen.</summary>
    public async Task<ConnectionState> WaitForStateAsync(Func<ConnectionState, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            Task signal;
            ConnectionState state;
            lock (_stateLock)
            {
                state = _state;
                signal = _stateSignal.Task;
            }

            if (predicate(state))
            {
                return state;
            }

            if (IsFinalState(state))
            {
                throw _finalError ?? new ZooKeeperException(ZooKeeperErrorCode.ClientClosed);
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<CreateResult> CreateAsync(
        string path,
        ReadOnlyMemory<byte>? data,
        CreateMode mode = CreateMode.Persistent,
        IReadOnlyList<Acl>? acl = null,
        TimeSpan? ttl = null,
        CancellationToken cancellationToken = default)
    {
        var sequential = mode is CreateMode.PersistentSequential or CreateMode.EphemeralSequential or CreateMode.PersistentSequentialWithTtl;
        ZooKeeperPath.Validate(path, sequential);
        var withTtl = mode is CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl;
        if (withTtl != ttl.HasValue)
        {
            throw new ArgumentException(withTtl ? $"Mode {mode} needs a ttl." : $"A ttl needs a TTL mode, not {mode}.", nameof(ttl));
        }

        var op = mode switch
        {
            CreateMode.Container => OpCode.CreateContainer,
            CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => OpCode.CreateTtl,
            _ => OpCode.Create2,
        };
        var body = RequestBody.Create(ToServerPath(path), data, acl ?? Acl.OpenUnsafe, mode, ttl is { } t ? (long)t.TotalMilliseconds : null);
        return await SubmitAsync(op, body, path, (ref JuteReader r) => new CreateResult(StripChroot(r.ReadRequiredString("created path")), r.ReadStat()), cancellationToken).ConfigureAwait(false);
    }

    public Task<CreateResult> CreateAsync(string path, string? text, CreateMode mode = CreateMode.Persistent, CancellationToken cancellationToken = default) =>
        CreateAsync(path, text is null ? null : Encoding.UTF8.GetBytes(text), mode, cancellationToken: cancellationToken);

    public async Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        await SubmitAsync(OpCode.Delete, RequestBody.PathVersion(ToServerPath(path), version), path, Responses.Empty, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The znode's Stat, or null if it does not exist. A watcher fires on its creation, deletion or data
    /// change, once.</summary>
    public Task<Stat?> ExistsAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        var request = new PendingRequest<Stat?>(
            OpCode.Exists,
            RequestBody.PathWatch(serverPath, watcher is not null),
            path,
            Responses.ReadStat,
            Registration(WatchKind.Data, serverPath, watcher),
            defaultOn: ZooKeeperErrorCode.NoNode);
        return SubmitAsync(request, cancellationToken);
    }

    public Task<NodeData> GetDataAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        var request = new PendingRequest<NodeData>(
            OpCode.GetData,
            RequestBody.PathWatch(serverPath, watcher is not null),
            path,
            Responses.ReadNodeData,
            Registration(WatchKind.Data, serverPath, watcher));
        return SubmitAsync(request, cancellationToken);
    }

    public Task<Stat> SetDataAsync(string path, ReadOnlyMemory<byte>? data, int version = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SubmitAsync(OpCode.SetData, RequestBody.SetData(ToServerPath(path), data, version), path, Responses.ReadStat, cancellationToken);
    }

    /// <summary>The children's names, unsorted. A watcher fires once when a child is added or removed or the znode
    /// is deleted.</summary>
    public async Task<IReadOnlyList<string>> GetChildrenAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default) =>
        (await GetChildrenWithStatAsync(path, watcher, cancellationToken).ConfigureAwait(false)).Children;

    public Task<ChildrenResult> GetChildrenWithStatAsync(string path, Action<WatchedEvent>? watcher = null, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        var request = new PendingRequest<ChildrenResult>(
            OpCode.GetChildren2,
            RequestBody.PathWatch(serverPath, watcher is not null),
            path,
            Responses.ReadChildren2,
            Registration(WatchKind.Child, serverPath, watcher));
        return SubmitAsync(request, cancellationToken);
    }

    /// <summary>Waits until the connected server has caught up with the leader, so a following read is current.</summary>
    public async Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        await SubmitAsync(OpCode.Sync, RequestBody.Path(ToServerPath(path)), path, Responses.ReadPath, cancellationToken).ConfigureAwait(false);
    }

    public Task<AclResult> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SubmitAsync(OpCode.GetAcl, RequestBody.Path(ToServerPath(path)), path, Responses.ReadAcl, cancellationToken);
    }

    public Task<Stat> SetAclAsync(string path, IReadOnlyList<Acl> acl, int aclVersion = -1, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        ArgumentNullException.ThrowIfNull(acl);
        return SubmitAsync(OpCode.SetAcl, RequestBody.SetAcl(ToServerPath(path), acl, aclVersion), path, Responses.ReadStat, cancellationToken);
    }

    /// <summary>Sets a watch that stays until removed; the znode need not exist. Changes made while the client was
    /// disconnected are not reported, so re-read what it guards after every reconnect.</summary>
    public async Task AddWatchAsync(string path, Action<WatchedEvent> watcher, AddWatchMode mode, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        ArgumentNullException.ThrowIfNull(watcher);
        var serverPath = ToServerPath(path);
        var kind = mode == AddWatchMode.Persistent ? WatchKind.Persistent : WatchKind.PersistentRecursive;
        var request = new PendingRequest<bool>(
            OpCode.AddWatch,
            RequestBody.PathInt(serverPath, (int)mode),
            path,
            static (ref JuteReader r) => r.ReadInt() == 0,
            new WatchRegistration(kind, serverPath, watcher));
        await SubmitAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes watches on a path: one watcher, or every watcher of <paramref name="type"/> when
    /// <paramref name="watcher"/> is null. Each removed watcher hears a *WatchRemoved event. With
    /// <paramref name="local"/> the server is not asked, which works while disconnected.</summary>
    /// <exception cref="ZooKeeperException">NoWatcher when no such watch is set.</exception>
    public async Task RemoveWatchesAsync(string path, WatcherType type, Action<WatchedEvent>? watcher = null, bool local = false, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        var serverPath = ToServerPath(path);
        var kinds = KindsOf(type);
        if (!kinds.Any(k => _watches.Has(k, serverPath, watcher)))
        {
            throw new ZooKeeperException(ZooKeeperErrorCode.NoWatcher, path);
        }

        // The server holds one registration per path and kind for this connection: it is only asked to drop it once
        // no local watcher of that kind is left.
        var removed = new List<(WatchKind Kind, Action<WatchedEvent> Watcher)>();
        foreach (var kind in kinds)
        {
            removed.AddRange(_watches.Remove(kind, serverPath, watcher).Select(w => (kind, w)));
        }

        var emptied = kinds.Where(k => !_watches.Has(k, serverPath, null)).ToList();
        var serverType = emptied.Count == kinds.Length && type == WatcherType.Any
            ? (int)WatcherType.Any // the only type that also drops persistent watches on the server
            : emptied.Aggregate(0, (t, k) => t | (k == WatchKind.Child ? 1 : 2));
        if (!local && serverType != 0)
        {
            try
            {
                await SubmitAsync(OpCode.RemoveWatches, RequestBody.PathInt(serverPath, serverType), path, Responses.Empty, cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoWatcher)
            {
                // A one-shot watch the server already fired and the event is still on its way: removed all the same.
            }
        }

        foreach (var (kind, removedWatcher) in removed)
        {
            var eventType = kind switch
            {
                WatchKind.Child => WatchEventType.ChildWatchRemoved,
                WatchKind.Persistent or WatchKind.PersistentRecursive => WatchEventType.PersistentWatchRemoved,
                _ => WatchEventType.DataWatchRemoved,
            };
            var removedEvent = new WatchedEvent(eventType, State, path);
            _dispatcher.Post(() => InvokeWatcher(removedWatcher, removedEvent));
        }
    }

    /// <summary>Whether the server holds a watch of <paramref name="type"/> on the path for this session.</summary>
    public async Task<bool> CheckWatchesAsync(string path, WatcherType type, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        try
        {
            await SubmitAsync(OpCode.CheckWatches, RequestBody.PathInt(ToServerPath(path), (int)type), path, Responses.Empty, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NoWatcher)
        {
            return false;
        }
    }

    private static WatchKind[] KindsOf(WatcherType type) => type switch
    {
        WatcherType.Children => [WatchKind.Child],
        WatcherType.Data => [WatchKind.Data, WatchKind.Exist],
        _ => [WatchKind.Data, WatchKind.Exist, WatchKind.Child, WatchKind.Persistent, WatchKind.PersistentRecursive],
    };

    /// <summary>
    /// A persistent watch as a stream: every event on the path (and, with
    /// <see cref="AddWatchMode.PersistentRecursive"/>, below it) until the enumeration stops, which removes the watch.
    /// At most <paramref name="capacity"/> events wait for the consumer; past that the stream ends with
    /// <see cref="WatchStreamOverflowException"/>, so a slow consumer costs bounded memory and never misses events
    /// unknowingly. The stream also ends when the session does.
    /// </summary>
    public async IAsyncEnumerable<WatchedEvent> WatchAsync(
        string path,
        AddWatchMode mode = AddWatchMode.PersistentRecursive,
        int capacity = 1024,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var channel = Channel.CreateBounded<WatchedEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        void OnEvent(WatchedEvent e)
        {
            if (e.Type == WatchEventType.None && IsFinalState(e.State))
            {
                channel.Writer.TryComplete(new ZooKeeperException(e.State == ConnectionState.Expired ? ZooKeeperErrorCode.SessionExpired : ZooKeeperErrorCode.ClientClosed, path));
            }
            else if (!channel.Writer.TryWrite(e))
            {
                channel.Writer.TryComplete(new WatchStreamOverflowException(path, capacity));
            }
        }

        await AddWatchAsync(path, OnEvent, mode, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
        finally
        {
            channel.Writer.TryComplete();
            if (!IsFinal)
            {
                try
                {
                    await RemoveWatchesAsync(path, WatcherType.Any, OnEvent, local: State != ConnectionState.Connected, CancellationToken.None).ConfigureAwait(false);
                }
                catch (ZooKeeperException)
                {
                    // The session ended meanwhile, or the watch is gone already: nothing left to remove.
                }
            }
        }
    }

    /// <summary>This session's ephemeral znodes whose path starts with <paramref name="prefixPath"/>.</summary>
    public async Task<IReadOnlyList<string>> GetEphemeralsAsync(string prefixPath = "/", CancellationToken cancellationToken = default)
    {
        var paths = await SubmitAsync(OpCode.GetEphemerals, RequestBody.Path(ToServerPath(prefixPath)), prefixPath, Responses.ReadStrings, cancellationToken).ConfigureAwait(false);
        return paths.Select(StripChroot).ToList();
    }

    /// <summary>The number of all descendants of a znode, not counting itself.</summary>
    public Task<int> GetAllChildrenNumberAsync(string path, CancellationToken cancellationToken = default)
    {
        ZooKeeperPath.Validate(path);
        return SubmitAsync(OpCode.GetAllChildrenNumber, RequestBody.Path(ToServerPath(path)), path, Responses.ReadInt, cancellationToken);
    }

    public Task<IReadOnlyList<ClientIdentity>> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        SubmitAsync(OpCode.WhoAmI, [], null, Responses.ReadWhoAmI, cancellationToken);

    /// <summary>Adds credentials to this session; they are resent on every reconnect.</summary>
    public async Task AddAuthAsync(string scheme, byte[] auth, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(auth);
        ThrowIfFinal();
        lock (_auth)
        {
            _auth.Add((scheme, auth));
        }

        if (_connection is null)
        {
            return; // sent with the next connection's priming packets
        }

        var request = new AuthRequest(RequestBody.Auth(scheme, auth));
        if (!_outgoing.Writer.TryWrite(request))
        {
            return; // the session ended meanwhile
        }

        if (IsFinal)
        {
            FailQueued(_finalError ?? new ZooKeeperException(ZooKeeperErrorCode.ClientClosed));
        }

        var result = await request.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (result is not ZooKeeperErrorCode.Ok and not ZooKeeperErrorCode.ConnectionLoss)
        {
            throw new ZooKeeperException(result, detail: $"auth scheme {scheme}");
        }
    }

    public Task AddDigestAuthAsync(string user, string password, CancellationToken cancellationToken = default) =>
        AddAuthAsync("digest", Encoding.UTF8.GetBytes($"{user}:{password}"), cancellationToken);

    /// <summary>Several reads in one round trip, answered from one point in the server's history; each read succeeds
    /// or fails on its own (a failed one is an <see cref="ErrorReadResult"/>).</summary>
    public async Task<IReadOnlyList<ReadOperationResult>> MultiReadAsync(IEnumerable<ReadOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var list = operations.ToList();
        foreach (var operation in list)
        {
            ZooKeeperPath.Validate(operation.Path);
        }

        return await SubmitAsync(OpCode.MultiRead, MultiCodec.EncodeReads(list, ToServerPath), null, MultiCodec.DecodeReads, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the connect string's chroot (and its parents) if missing: the server knows nothing of chroots,
    /// so until it exists every request fails with NoNode. The chroot itself is created with <paramref name="acl"/>
    /// (default: open to anyone); parents it has to make are open, as they may be shared with others.</summary>
    public async Task EnsureChrootAsync(IReadOnlyList<Acl>? acl = null, CancellationToken cancellationToken = default)
    {
        if (_connectString.Chroot is not { } chroot)
        {
            return;
        }

        var segments = chroot.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var path = string.Empty;
        for (var i = 0; i < segments.Length; i++)
        {
            path += "/" + segments[i];
            try
            {
                var body = RequestBody.Create(path, null, i == segments.Length - 1 ? acl ?? Acl.OpenUnsafe : Acl.OpenUnsafe, CreateMode.Persistent, null);
                await SubmitAsync(OpCode.Create, body, path, Responses.ReadPath, cancellationToken).ConfigureAwait(false);
            }
            catch (ZooKeeperException e) when (e.Code == ZooKeeperErrorCode.NodeExists)
            {
            }
        }
    }

    /// <summary>Applies every operation atomically, or none: a failure throws <see cref="MultiOperationException"/>
    /// naming the first failing operation.</summary>
    public async Task<IReadOnlyList<OperationResult>> MultiAsync(IEnumerable<Operation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var list = operations.ToList();
        foreach (var operation in list)
        {
            ZooKeeperPath.Validate(operation.Path, operation is CreateOperation { Mode: CreateMode.PersistentSequential or CreateMode.EphemeralSequential });
        }

        var results = await SubmitAsync(OpCode.Multi, MultiCodec.Encode(list, ToServerPath), null, (ref JuteReader r) => MultiCodec.Decode(ref r, StripChroot), cancellationToken).ConfigureAwait(false);
        var failed = results.FindIndex(r => r is ErrorOperationResult { Error: not ZooKeeperErrorCode.Ok });
        if (failed >= 0)
        {
            throw new MultiOperationException(results[failed].Error, failed < list.Count ? list[failed].Path : null, failed, results);
        }

        return results;
    }

    /// <summary>Closes the session: its ephemerals are deleted at once and its watchers hear Closed.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (IsFinal)
        {
            return;
        }

        if (State == ConnectionState.Connected)
        {
            var request = new PendingRequest<bool>(OpCode.CloseSession, [], null, Responses.Empty);
            _outgoing.Writer.TryWrite(request);
            try
            {
                // On the client's own clock, like every timer of the session.
                await request.Task.WaitAsync(ReadTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ZooKeeperException or OperationCanceledException or TimeoutException)
            {
                // Closing is best effort: if the server does not hear it, the session expires on its own.
                _logger.ClosedWithoutReply(LogHex.Of(_sessionId), e.Message);
            }
        }

        Finish(ConnectionState.Closed, new ZooKeeperException(ZooKeeperErrorCode.ClientClosed));
        await _sessionLoop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await _sessionLoop.ConfigureAwait(false);
        await _dispatcher.DisposeAsync().ConfigureAwait(false);
        _shutdown.Dispose();
    }

    /// <summary>True once every loop the client ran has ended (tests check nothing outlives a closed client).</summary>
    internal bool HasStopped => _sessionLoop.IsCompleted && _dispatcher.HasStopped;

    private const int RequestHeaderSize = 8; // xid and op code, counted in the server's limit

    private Task<T> SubmitAsync<T>(OpCode op, byte[] body, string? path, ResponseReader<T> reader, CancellationToken cancellationToken) =>
        SubmitAsync(new PendingRequest<T>(op, body, path, reader), cancellationToken);

    private async Task<T> SubmitAsync<T>(PendingRequest<T> request, CancellationToken cancellationToken)
    {
        ThrowIfFinal();
        cancellationToken.ThrowIfCancellationRequested();
        // The server answers a packet over its jute.maxbuffer by dropping the connection, failing every other request
        // in flight with it: refuse it here, with the reason, and keep the connection.
        var size = RequestHeaderSize + (long)request.Body.Length;
        if (size > _options.MaxRequestSize)
        {
            throw new ZooKeeperException(
                ZooKeeperErrorCode.BadArguments,
                request.Path,
                string.Create(CultureInfo.InvariantCulture, $"the request is {size:N0} bytes and ZooKeeper accepts at most {_options.MaxRequestSize:N0} (jute.maxbuffer); it was not sent"));
        }
        if (!_outgoing.Writer.TryWrite(request))
        {
            throw new ZooKeeperException(ZooKeeperErrorCode.ClientClosed, request.Path);
        }

        // The session may have ended between the check and the write; its queue drain may have missed this one.
        if (IsFinal)
        {
            FailQueued(_finalError ?? new ZooKeeperException(ZooKeeperErrorCode.ClientClosed));
        }

        await using var registration = cancellationToken.Register(static state =>
        {
            var (r, token) = ((PendingRequest<T>, CancellationToken))state!;
            r.Cancel(token);
        }, (request, cancellationToken)).ConfigureAwait(false);
        if (_metrics is not { } metrics)
        {
            return await request.Task.ConfigureAwait(false);
        }

        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await request.Task.ConfigureAwait(false);
        }
        finally
        {
            metrics.Request(Protocol.OperationNames.Of(request.Op), startedAt);
        }
    }

    private void ThrowIfFinal()
    {
        if (IsFinal)
        {
            throw _finalError is ZooKeeperException z ? new ZooKeeperException(z.Code, detail: "this session is finished; create a new client") : new ZooKeeperException(ZooKeeperErrorCode.ClientClosed);
        }
    }

    private static WatchRegistration? Registration(WatchKind kind, string serverPath, Action<WatchedEvent>? watcher) =>
        watcher is null ? null : new WatchRegistration(kind, serverPath, watcher);

    private string StripChroot(string serverPath) => ToClientPath(serverPath) ?? serverPath;
}
