using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>
/// The network between one participant and the ZooKeeper servers, made to fail on demand the way networks fail: the
/// participant's client dials through it (<see cref="Dialer"/>), and every connection it opens runs over a real TCP
/// connection to the server through an in-process relay that applies the current <see cref="LinkConditions"/> to each
/// direction: bytes held in a black hole, delayed, throttled; new connections refused or left hanging; connections
/// reset. Nobody is told: the client finds out as a real one would, by its own timeouts or a reset. The observer's
/// session never goes through a link.
/// </summary>
public sealed class FaultLink : IAsyncDisposable
{
    private readonly ConcurrentDictionary<LinkConnection, byte> _open = new();
    private readonly Lock _lock = new();
    private LinkConditions _conditions = LinkConditions.Healthy;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _generation; // guarded by _lock
    private int _disposed;

    public FaultLink(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    /// <summary>The link's own clock (the network's, not the participant's: a paused participant's link still runs).</summary>
    internal TimeProvider Time { get; }

    public LinkConditions Conditions
    {
        get
        {
            lock (_lock)
            {
                return _conditions;
            }
        }
    }

    /// <summary>How many connections the link carries now.</summary>
    public int OpenConnections => _open.Count;

    /// <summary>Completes at the next change of <see cref="Conditions"/>.</summary>
    internal Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Applies <paramref name="conditions"/> from now on, to open connections and new ones alike.</summary>
    public void Set(LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        TaskCompletionSource changed;
        lock (_lock)
        {
            _conditions = conditions;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public void Heal() => Set(LinkConditions.Healthy);

    /// <summary>As when the participant's process dies: its kernel resets every connection, and nothing is ever sent
    /// on its behalf again: every dialer handed out so far refuses from now on. A new client gets a new dialer.</summary>
    public void Crash()
    {
        LinkConnection[] open;
        lock (_lock)
        {
            // One step with the registration of new connections: a dial that got through just before cannot escape.
            _generation++;
            open = [.. _open.Keys];
        }

        foreach (var connection in open)
        {
            connection.Reset();
        }
    }

    /// <summary>As when a server restarts or a middlebox drops its state: every open connection is reset, and the
    /// client hears of it at once; new connections go through as before.</summary>
    public void ResetConnections()
    {
        foreach (var connection in _open.Keys)
        {
            connection.Reset();
        }
    }

    /// <summary>A dialer for one client; dead for good once the link is crashed after it was handed out.</summary>
    public ZooKeeperDialer Dialer()
    {
        int generation;
        lock (_lock)
        {
            generation = _generation;
        }

        return (server, cancellationToken) => DialAsync(generation, server, cancellationToken);
    }

    private async ValueTask<Stream> DialAsync(int generation, DnsEndPoint server, CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (!IsCurrent(generation))
            {
                throw new SocketException((int)SocketError.ConnectionRefused);
            }

            var changed = Changed;
            switch (Conditions.Dials)
            {
                case NewConnections.Refused:
                    throw new SocketException((int)SocketError.ConnectionRefused);
                case NewConnections.Hang:
                    // Unanswered SYNs: the dial waits until the path heals or the dialer gives up.
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            // Registered, or refused, under the lock Crash takes: connected after a crash, it is a dead process's.
            var connection = new LinkConnection(this, socket);
            lock (_lock)
            {
                if (_generation != generation || Volatile.Read(ref _disposed) != 0)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Dispose();
                    throw new SocketException((int)SocketError.ConnectionRefused);
                }

                _open[connection] = 0;
            }

            connection.Start();
            return connection.ClientStream;
        }
    }

    private bool IsCurrent(int generation)
    {
        lock (_lock)
        {
            return generation == _generation;
        }
    }

    internal void Forget(LinkConnection connection) => _open.TryRemove(connection, out _);

    /// <summary>Closes every connection the link still carries, as a network that goes away would.</summary>
    public async ValueTask DisposeAsync()
    {
        LinkConnection[] open;
        lock (_lock)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            open = [.. _open.Keys];
        }

        Set(LinkConditions.Healthy);
        foreach (var connection in open)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
