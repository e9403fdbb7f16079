using System.IO.Pipelines;
using System.Net.Sockets;

namespace ClusterDashboard.Coordination.FaultLinks;

/// <summary>
/// One connection through a <see cref="FaultLink"/>: the client's end is an in-memory stream, the server's a real
/// TCP connection, and a <see cref="LinkLane"/> carries each direction between them under the link's conditions.
/// Each pipe has one writer and one reader: the client writes upstream and reads downstream, each lane reads its
/// source and writes its sink.
/// </summary>
internal sealed class LinkConnection : IAsyncDisposable
{
    private readonly FaultLink _link;
    private readonly Socket _socket;
    private readonly Pipe _fromClient = new();
    private readonly Pipe _toClient = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private int _reset;

    public LinkConnection(FaultLink link, Socket socket)
    {
        _link = link;
        _socket = socket;
        ClientStream = new LinkClientStream(_toClient.Reader, _fromClient.Writer);
    }

    /// <summary>What the client reads and writes, as it would a socket's stream.</summary>
    public Stream ClientStream { get; }

    public void Start() => _run = RunAsync();

    private async Task RunAsync()
    {
        var network = new NetworkStream(_socket, ownsSocket: false);
        var fromServer = PipeReader.Create(network, new StreamPipeReaderOptions(leaveOpen: true));
        var toServer = PipeWriter.Create(network, new StreamPipeWriterOptions(leaveOpen: true));
        var upstream = new LinkLane(_link, LinkDirection.Upstream, _fromClient.Reader, toServer, ShutdownSend);
        var downstream = new LinkLane(_link, LinkDirection.Downstream, fromServer, _toClient.Writer, () => { }, ClientSeesEnd);
        try
        {
            // Either lane failing (the server reset the connection, the client's end went away) ends the other, as
            // one TCP connection ends both ways. Both are awaited, so neither's failure goes unobserved.
            var up = upstream.RunAsync(_stop.Token);
            var down = downstream.RunAsync(_stop.Token);
            if (await Task.WhenAny(up, down).ConfigureAwait(false) is { IsFaulted: true })
            {
                await _stop.CancelAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(Observed(up), Observed(down)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            if (Volatile.Read(ref _reset) == 0)
            {
                _socket.Dispose();
            }

            await network.DisposeAsync().ConfigureAwait(false);
            _link.Forget(this);
        }
    }

    private static async Task Observed(Task lane)
    {
        try
        {
            await lane.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // A lane ends by its connection ending; how is of no further use.
        }
    }

    // What the client's reads end with when the connection is torn down under it.
    private IOException ClientSeesEnd() => WasReset ? new IOException("Connection reset by peer") : new IOException("The connection was closed");

    // The client closed its end and everything it wrote got through: the server hears the close.
    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Resets the connection both ways at once, as a dying host's kernel does: the server gets a RST, the
    /// client's reads fail, and nothing held is delivered any more.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _reset, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
            _socket.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        _stop.Cancel();
    }

    /// <summary>True once <see cref="Reset"/> ran: the lanes then end the client's reads with a reset.</summary>
    internal bool WasReset => Volatile.Read(ref _reset) != 0;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
