using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Threading.Channels;
using ClusterDashboard.ZooKeeper.Internal;
using ClusterDashboard.ZooKeeper.Protocol;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.ZooKeeper;

// The session half of the client: connecting, the send/receive/ping loops of one connection, reconnecting to the
// next server with the same session, and the end of a session.
public sealed partial class ZooKeeperClient
{
    private const int SetWatchesMaxPathBytes = 128 * 1024;

    private readonly Channel<PendingRequest> _outgoing = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _stateLock = new();
    private readonly List<(string Scheme, byte[] Auth)> _auth = [];
    private readonly Queue<TaskCompletionSource<ZooKeeperErrorCode>> _authWaiters = new();
    private TaskCompletionSource _stateSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionState _state = ConnectionState.Connecting;
    private Exception? _finalError;
    private FrameConnection? _connection;
    private Task _sessionLoop = Task.CompletedTask;
    private long _sessionId;
    private byte[] _password = new byte[16];
    private int _negotiatedTimeoutMs;
    private long _lastZxid;
    private long _lastHeard;
    private long _lastAnswered;
    private int _xid;

    private static readonly TimeSpan PingTolerance = TimeSpan.FromMilliseconds(1);

    private TimeSpan ReadTimeout => TimeSpan.FromMilliseconds(NegotiatedTimeoutMs * 2 / 3.0);

    private int NegotiatedTimeoutMs => _negotiatedTimeoutMs > 0 ? _negotiatedTimeoutMs : (int)_options.SessionTimeout.TotalMilliseconds;

    private void StartSession() => _sessionLoop = Task.Run(RunSessionAsync);

    private async Task RunSessionAsync()
    {
        var servers = _connectString.Servers.ToList();
        if (_options.ShuffleServers)
        {
            Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(servers));
        }

        var attempt = 0;
        while (!_shutdown.IsCancellationRequested)
        {
            if (attempt > 0 && attempt % servers.Count == 0)
            {
                // A whole round failed: back off a little, with jitter so a cluster of clients does not reconnect in step.
                await DelayQuietly(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(400))).ConfigureAwait(false);
            }

            if (_sessionId != 0 && _time.GetTimestamp() >= ExpiryDeadline())
            {
                // Past the session timeout without a word from any server, the servers have expired the session or
                // are about to; saying so now is safer than letting the application believe it still holds it.
                Finish(ConnectionState.Expired, new ZooKeeperException(ZooKeeperErrorCode.SessionExpired, detail: "no server answered within the session timeout"));
                return;
            }

            var server = servers[attempt % servers.Count];
            attempt++;
            try
            {
                await ConnectAndRunAsync(server).ConfigureAwait(false);
                // After a connection that worked, start over from the next server in the round.
                attempt = attempt % servers.Count;
            }
            catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
            {
                return;
            }
            catch (SessionEndedException)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.ConnectionFailed(LogHex.Of(_sessionId), Format(server), FailureReason.Of(e));
            }

            if (IsFinal)
            {
                return;
            }

            // Requests queued while no connection was up would otherwise wait for an unknown time.
            FailQueued(new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss));
        }
    }

    private async Task ConnectAndRunAsync(DnsEndPoint server)
    {
        // The Java client gives an attempt the session timeout over the number of servers. With few servers that is
        // most of the session, and a server that accepts but never answers (one starting up does) would use it all
        // up before a second try; since the session is given up after its timeout without a word from any server,
        // an attempt gets at most a third of it.
        var connectTimeout = TimeSpan.FromMilliseconds(Math.Max(1000, Math.Min(NegotiatedTimeoutMs / _connectString.Servers.Count, NegotiatedTimeoutMs / 3)));
        await using var connection = await OpenAsync(server, connectTimeout).ConfigureAwait(false);
        var pending = new Queue<PendingRequest>();
        var pings = new Queue<long>(); // send times of the pings not yet answered, oldest first
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        _connection = connection;
        try
        {
            await connection.WriteAsync(BuildPrimingFrames(), stop.Token).ConfigureAwait(false);
            ConnectedServer = Format(server);
            if (_connectedBefore)
            {
                _metrics?.Reconnected();
            }

            _connectedBefore = true;
            SetState(ConnectionState.Connected);
            _logger.Connected(LogHex.Of(_sessionId), Format(server), NegotiatedTimeoutMs, LogHex.Of(LastZxidSeen));

            var receive = connection.ReceiveAsync(frame => OnFrame(frame, pending, pings), stop.Token);
            var send = SendLoopAsync(connection, pending, stop.Token);
            var ping = PingLoopAsync(connection, pings, stop.Token);
            var watchdog = WatchdogAsync(stop.Token);
            var ended = await Task.WhenAny(receive, send, ping, watchdog).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            connection.Abort();
            await Task.WhenAll(receive, send, ping, watchdog).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (ended.Exception?.InnerException is { } reason && !_shutdown.IsCancellationRequested)
            {
                if (reason is SessionEndedException)
                {
                    throw reason;
                }

                _logger.ConnectionLost(LogHex.Of(_sessionId), Format(server), LogHex.Of(LastZxidSeen), FailureReason.Of(reason));
            }
        }
        finally
        {
            _connection = null;
            ConnectedServer = null;
            // The state says Disconnected before anyone hears ConnectionLoss, so a caller that checks it sees why.
            if (!IsFinal)
            {
                SetState(ConnectionState.Disconnected);
            }

            FailPending(pending);
            FailAuthWaiters();
        }
    }

    private async Task<FrameConnection> OpenAsync(DnsEndPoint server, TimeSpan timeout)
    {
        // On the client's own clock, like every timer of the session.
        using var attempt = new CancellationTokenSource(timeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token, attempt.Token);
        var connection = await FrameConnection.OpenAsync(_options.Dialer, server, _options.MaxFrameSize, _time, deadline.Token).ConfigureAwait(false);
        try
        {
            var sentAt = _time.GetTimestamp();
            await connection.WriteAsync(BuildConnectRequest(), deadline.Token).ConfigureAwait(false);
            var frame = await connection.ReadFrameAsync(deadline.Token).ConfigureAwait(false);
            var reader = new JuteReader(frame);
            var response = Responses.ReadConnectResponse(ref reader);
            if (response.TimeoutMs <= 0)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (_sessionId == 0)
                {
                    throw new ZooKeeperProtocolException("the server refused a new session");
                }

                Finish(ConnectionState.Expired, new ZooKeeperException(ZooKeeperErrorCode.SessionExpired, detail: "the server reports the session expired"));
                throw new SessionEndedException();
            }

            _sessionId = response.SessionId;
            _password = response.Password;
            _negotiatedTimeoutMs = response.TimeoutMs;
            Volatile.Write(ref _lastHeard, _time.GetTimestamp());
            // A session the server just (re)established was heard at the connect request at the latest.
            Volatile.Write(ref _lastAnswered, sentAt);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private byte[] BuildConnectRequest()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new JuteWriter(buffer);
        w.WriteInt(45);
        w.WriteInt(0);
        w.WriteLong(Volatile.Read(ref _lastZxid));
        w.WriteInt((int)_options.SessionTimeout.TotalMilliseconds);
        w.WriteLong(_sessionId);
        w.WriteBuffer(_password);
        // Never ask for read-only: an election participant must not act on a minority partition's view.
        w.WriteBool(false);
        return buffer.WrittenSpan.ToArray();
    }

    // Auth first, then the watches: the server checks a re-armed watch's path against the connection's identity.
    private byte[] BuildPrimingFrames()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        lock (_auth)
        {
            foreach (var (scheme, auth) in _auth)
            {
                WriteFrame(buffer, SpecialXid.Auth, OpCode.Auth, RequestBody.Auth(scheme, auth));
                // Nobody waits for these, but their replies take their place in the queue of auth replies.
                lock (_authWaiters)
                {
                    _authWaiters.Enqueue(new TaskCompletionSource<ZooKeeperErrorCode>());
                }
            }
        }

        var watches = _watches.Snapshot();
        if (!watches.IsEmpty)
        {
            foreach (var body in SetWatchesBodies(watches, Volatile.Read(ref _lastZxid)))
            {
                WriteFrame(buffer, SpecialXid.SetWatches, watches.HasPersistent ? OpCode.SetWatches2 : OpCode.SetWatches, body);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    // The Java client splits SetWatches so no packet carries more than 128 KiB of paths: a huge single packet
    // would exceed the server's jute.maxbuffer and cost the connection.
    private static IEnumerable<byte[]> SetWatchesBodies(WatchSnapshot watches, long relativeZxid)
    {
        var lists = new[] { watches.Data, watches.Exist, watches.Child, watches.Persistent, watches.PersistentRecursive };
        var index = new int[lists.Length];
        while (index.Select((i, k) => i < lists[k].Count).Any(x => x))
        {
            var chunk = new List<string>[lists.Length];
            var bytes = 0;
            for (var k = 0; k < lists.Length; k++)
            {
                chunk[k] = [];
                while (index[k] < lists[k].Count && (bytes == 0 || bytes + lists[k][index[k]].Length <= SetWatchesMaxPathBytes))
                {
                    bytes += lists[k][index[k]].Length;
                    chunk[k].Add(lists[k][index[k]++]);
                }
            }

            yield return RequestBody.Encode((chunk, relativeZxid, watches.HasPersistent), static (w, s) =>
            {
                w.WriteLong(s.relativeZxid);
                w.WriteStrings(s.chunk[0]);
                w.WriteStrings(s.chunk[1]);
                w.WriteStrings(s.chunk[2]);
                if (s.HasPersistent)
                {
                    w.WriteStrings(s.chunk[3]);
                    w.WriteStrings(s.chunk[4]);
                }
            });
        }
    }

    private static void WriteFrame(ArrayBufferWriter<byte> buffer, int xid, OpCode op, byte[] body)
    {
        var header = buffer.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(header, 8 + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], xid);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], (int)op);
        buffer.Advance(12);
        buffer.Write(body);
    }

    private async Task SendLoopAsync(FrameConnection connection, Queue<PendingRequest> pending, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var reader = _outgoing.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.ResetWrittenCount();
            // Stamped before the write, so a reply never proves more than the server really heard.
            var sentAt = _time.GetTimestamp();
            // Batch whatever is queued into one write: pipelined requests then cost one syscall, not one each.
            while (buffer.WrittenCount < 64 * 1024 && reader.TryRead(out var request))
            {
                if (request is AuthRequest auth)
                {
                    // Its reply is matched among auth replies, which the server sends in the order it got them.
                    lock (_authWaiters)
                    {
                        _authWaiters.Enqueue(auth.Reply);
                    }

                    WriteFrame(buffer, SpecialXid.Auth, OpCode.Auth, auth.Body);
                    continue;
                }

                if (request.IsAbandoned)
                {
                    continue;
                }

                request.Xid = NextXid();
                request.SentTimestamp = sentAt;
                WriteFrame(buffer, request.Xid, request.Op, request.Body);
                lock (pending)
                {
                    pending.Enqueue(request);
                }
            }

            if (buffer.WrittenCount > 0)
            {
                await connection.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Pings keep the session alive while the application is idle, and give the watchdog answers to count: one goes out
    // whenever nothing was sent for half the read timeout, as the Java client does.
    private async Task PingLoopAsync(FrameConnection connection, Queue<long> pings, CancellationToken cancellationToken)
    {
        var ping = new ArrayBufferWriter<byte>(12);
        WriteFrame(ping, SpecialXid.Ping, OpCode.Ping, []);
        var pingInterval = ReadTimeout / 2;
        while (true)
        {
            var idle = _time.GetElapsedTime(connection.LastSentTimestamp);
            // Timers tick in whole milliseconds and may wake a fraction early: a ping within a millisecond of due goes
            // now, or it would wait out another sleep and reach the server later than the Java client's would.
            if (idle + PingTolerance >= pingInterval)
            {
                lock (pings)
                {
                    pings.Enqueue(_time.GetTimestamp());
                }

                await connection.WriteAsync(ping.WrittenMemory, cancellationToken).ConfigureAwait(false);
                idle = TimeSpan.Zero;
            }

            await Task.Delay(Max(pingInterval - idle, PingTolerance), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    // The connection is alive while the server answers what this client sends, not merely while bytes arrive: a stream
    // of notifications down a link whose other direction drops everything, or a write stuck behind a full send buffer,
    // must not pass for a server that hears us. Run apart from every write, so nothing that blocks one can blind it:
    // once nothing sent in the last read timeout (2/3 of the session timeout) has been answered, the connection ends,
    // leaving a third of the timeout to resume the session on another server.
    private async Task WatchdogAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var unanswered = SinceLastAnswered;
            if (unanswered > ReadTimeout)
            {
                throw new TimeoutException($"the server answered nothing sent in the last {unanswered.TotalMilliseconds:F0} ms");
            }

            await Task.Delay(ReadTimeout - unanswered + PingTolerance, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void MarkAnswered(long sentAt)
    {
        long seen;
        while (sentAt > (seen = Volatile.Read(ref _lastAnswered)) && Interlocked.CompareExchange(ref _lastAnswered, sentAt, seen) != seen)
        {
        }
    }

    // Only a reply that parsed moves the zxid sent on reconnect: a garbled one must not make servers look behind.
    private void AdvanceZxid(long zxid)
    {
        long seen;
        while (zxid > (seen = Volatile.Read(ref _lastZxid)) && Interlocked.CompareExchange(ref _lastZxid, zxid, seen) != seen)
        {
        }
    }

    private void OnFrame(ReadOnlySequence<byte> frame, Queue<PendingRequest> pending, Queue<long> pings)
    {
        Volatile.Write(ref _lastHeard, _time.GetTimestamp());
        var bytes = frame.IsSingleSegment ? frame.FirstSpan : frame.ToArray();
        var reader = new JuteReader(bytes);
        var (xid, zxid, error) = Responses.ReadReplyHeader(ref reader);
        switch (xid)
        {
            case SpecialXid.Notification:
                OnNotification(ref reader);
                AdvanceZxid(zxid);
                return;
            case SpecialXid.Ping:
                // Ping replies keep their order: this one answers the oldest ping not yet answered.
                bool answered;
                long pingSentAt;
                lock (pings)
                {
                    answered = pings.TryDequeue(out pingSentAt);
                }

                if (answered)
                {
                    MarkAnswered(pingSentAt);
                }

                AdvanceZxid(zxid);
                return;
            case SpecialXid.SetWatches:
                AdvanceZxid(zxid);
                return;
            case SpecialXid.Auth:
                OnAuthReply(error);
                return;
        }

        PendingRequest? request;
        lock (pending)
        {
            pending.TryDequeue(out request);
        }

        if (request is null || request.Xid != xid)
        {
            request?.Fail(new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, request.Path, "the server's reply was out of order"));
            throw new ZooKeeperProtocolException($"reply for xid {xid} but the oldest pending request is {request?.Xid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
        }

        try
        {
            request.Accept(error, ref reader);
        }
        catch (ZooKeeperProtocolException e)
        {
            request.Fail(new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, request.Path, "the server's reply was malformed", e));
            throw;
        }

        AdvanceZxid(zxid);
        MarkAnswered(request.SentTimestamp);
        if (request.Watch is { } watch)
        {
            // A watch is registered before anything later on the wire is processed, so its event cannot be missed.
            if (error == ZooKeeperErrorCode.Ok)
            {
                _watches.Add(watch.Kind, watch.ServerPath, watch.Watcher);
            }
            else if (error == ZooKeeperErrorCode.NoNode && request.Op == OpCode.Exists)
            {
                _watches.Add(WatchKind.Exist, watch.ServerPath, watch.Watcher);
            }
        }

        _dispatcher.Post(request.Deliver);
    }

    private bool _connectedBefore;

    private void OnNotification(ref JuteReader reader)
    {
        var (type, _, serverPath) = Responses.ReadWatcherEvent(ref reader);
        _metrics?.Notified(type);
        var watchers = _watches.Trigger(type, serverPath);
        if (watchers.Count == 0 || ToClientPath(serverPath) is not { } path)
        {
            return;
        }

        var watchedEvent = new WatchedEvent(type, ConnectionState.Connected, path);
        _dispatcher.Post(() =>
        {
            foreach (var watcher in watchers)
            {
                InvokeWatcher(watcher, watchedEvent);
            }
        });
    }

    private void InvokeWatcher(Action<WatchedEvent> watcher, WatchedEvent watchedEvent)
    {
        try
        {
            watcher(watchedEvent);
        }
        catch (Exception e)
        {
            _logger.WatcherThrew(e, LogHex.Of(_sessionId), watchedEvent.Path);
        }
    }

    private void OnAuthReply(ZooKeeperErrorCode error)
    {
        TaskCompletionSource<ZooKeeperErrorCode>? waiter;
        lock (_authWaiters)
        {
            _authWaiters.TryDequeue(out waiter);
        }

        waiter?.TrySetResult(error);
        if (error != ZooKeeperErrorCode.Ok)
        {
            Finish(ConnectionState.AuthFailed, new ZooKeeperException(ZooKeeperErrorCode.AuthFailed, detail: "the server rejected the credentials"));
            throw new SessionEndedException();
        }
    }

    private int NextXid()
    {
        // Wrap to 1, never 0 or negative: negative xids are reserved for pings, events, auth and SetWatches.
        var xid = Interlocked.Increment(ref _xid);
        if (xid > 0)
        {
            return xid;
        }

        Interlocked.CompareExchange(ref _xid, 1, xid);
        return NextXid();
    }

    private void SetState(ConnectionState state)
    {
        TaskCompletionSource signal;
        lock (_stateLock)
        {
            if (_state == state || IsFinalState(_state))
            {
                return;
            }

            _state = state;
            signal = _stateSignal;
            _stateSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
        _dispatcher.Post(() => StateChanged?.Invoke(state));
    }

    /// <summary>Ends the session for good: every waiting call fails with <paramref name="error"/>, every watcher hears
    /// the final state once, and nothing is delivered after that.</summary>
    private void Finish(ConnectionState state, Exception error)
    {
        lock (_stateLock)
        {
            if (IsFinalState(_state))
            {
                return;
            }

            _finalError = error;
        }

        _logger.SessionEnded(state == ConnectionState.Closed ? LogLevel.Information : LogLevel.Warning, LogHex.Of(_sessionId), state, error.Message, LogHex.Of(LastZxidSeen));
        SetStateFinal(state);
        _shutdown.Cancel();
        _connection?.Abort();
        FailQueued(error);
        FailAuthWaiters();
        var watchers = _watches.Clear();
        var finalEvent = new WatchedEvent(WatchEventType.None, state, null);
        _dispatcher.Post(() =>
        {
            foreach (var watcher in watchers)
            {
                InvokeWatcher(watcher, finalEvent);
            }
        });
    }

    private void SetStateFinal(ConnectionState state)
    {
        TaskCompletionSource signal;
        lock (_stateLock)
        {
            _state = state;
            signal = _stateSignal;
            _stateSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
        _dispatcher.Post(() => StateChanged?.Invoke(state));
    }

    private void FailPending(Queue<PendingRequest> pending)
    {
        List<PendingRequest> failed;
        lock (pending)
        {
            failed = [.. pending];
            pending.Clear();
        }

        var error = _finalError;
        foreach (var request in failed)
        {
            var reason = error ?? new ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, request.Path);
            _dispatcher.Post(() => request.Fail(reason));
        }
    }

    private void FailQueued(Exception error)
    {
        while (_outgoing.Reader.TryRead(out var request))
        {
            var reason = error is ZooKeeperException { Path: null } z ? new ZooKeeperException(z.Code, request.Path) : error;
            _dispatcher.Post(() => request.Fail(reason));
        }
    }

    private void FailAuthWaiters()
    {
        lock (_authWaiters)
        {
            while (_authWaiters.TryDequeue(out var waiter))
            {
                waiter.TrySetResult(ZooKeeperErrorCode.ConnectionLoss);
            }
        }
    }

    private string? ToClientPath(string serverPath)
    {
        if (_connectString.Chroot is not { } chroot)
        {
            return serverPath;
        }

        if (serverPath == chroot)
        {
            return "/";
        }

        return serverPath.StartsWith(chroot + "/", StringComparison.Ordinal) ? serverPath[chroot.Length..] : null;
    }

    private string ToServerPath(string clientPath)
    {
        if (_connectString.Chroot is not { } chroot)
        {
            return clientPath;
        }

        return clientPath == "/" ? chroot : chroot + clientPath;
    }

    private bool IsFinal => IsFinalState(State);

    private static bool IsFinalState(ConnectionState state) =>
        state is ConnectionState.Expired or ConnectionState.Closed or ConnectionState.AuthFailed;

    private async Task DelayQuietly(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private long ExpiryDeadline() => _sessionId == 0
        ? long.MaxValue
        : Volatile.Read(ref _lastHeard) + (long)(NegotiatedTimeoutMs / 1000.0 * _time.TimestampFrequency);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Format(DnsEndPoint server) => $"{server.Host}:{server.Port}";

    /// <summary>Unwinds the session loop once the session is over.</summary>
    private sealed class SessionEndedException : Exception
    {
    }
}
