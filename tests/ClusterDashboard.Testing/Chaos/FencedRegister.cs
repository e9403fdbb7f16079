using System.Globalization;
using System.Text;
using ClusterDashboard.Coordination;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Testing.Chaos;

/// <summary>
/// The campaign's workload, what a leader is for: while a node believes it leads it keeps writing its token to a
/// register through <see cref="LeaderElection.FencedMultiAsync"/>, and each write is a sequential child of the
/// register, so ZooKeeper itself keeps the history of every write it accepted, in the order it accepted them, including
/// writes whose answer was lost. That history must be strictly increasing in (token, count): a write accepted with a
/// token lower than one accepted before it is a stale leader acting, the failure fencing exists to prevent.
/// The writers keep trying through every fault, paused nodes included, so the fence is tried as hard as it can be.
/// </summary>
public sealed class FencedRegister : IAsyncDisposable, IDisposable
{
    public const string Path = "/register";

    private readonly Func<CancellationToken, Task<ZooKeeperClient>> _reader;
    private readonly IReadOnlyList<Acl> _acl;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writers = [];
    private (long Token, long Count) _last = (long.MinValue, long.MinValue);
    private long _accepted;
    private long _refused;

    private FencedRegister(Func<CancellationToken, Task<ZooKeeperClient>> reader, IReadOnlyList<Acl> acl)
    {
        _reader = reader;
        _acl = acl;
    }

    /// <summary>Writes the writers heard accepted (the register may hold a few more whose answer was lost).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Writes the register holds that were checked, in ZooKeeper's order.</summary>
    public long Verified { get; private set; }

    /// <summary>Accepted writes whose token was below one accepted before them: must be none.</summary>
    public List<string> StaleWrites { get; } = [];

    /// <param name="reader">The operator's session, made anew if a long outage ended the last one.</param>
    public static async Task<FencedRegister> StartAsync(Func<CancellationToken, Task<ZooKeeperClient>> reader, IReadOnlyList<ClusterNode> nodes, IReadOnlyList<Acl> acl, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(nodes);
        await (await reader(CancellationToken.None)).CreateAsync(Path, null, CreateMode.Persistent, acl);
        var register = new FencedRegister(reader, acl);
        foreach (var node in nodes)
        {
            register._writers.Add(Task.Run(() => register.WriteWhileLeadingAsync(node, interval)));
        }

        return register;
    }

    private async Task WriteWhileLeadingAsync(ClusterNode node, TimeSpan interval)
    {
        var count = 0L;
        while (!_stop.IsCancellationRequested)
        {
            var election = node.Election;
            if (election.State == LeadershipState.Leader && election.Epoch is { } token)
            {
                var value = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{token} {++count} {node.Options.NodeId}"));
                try
                {
                    await election.FencedMultiAsync([Operation.Create(Path + "/w-", value, CreateMode.PersistentSequential, _acl)], _stop.Token);
                    Interlocked.Increment(ref _accepted);
                }
                catch (Exception e) when (e is NotLeaderException or ZooKeeperException)
                {
                    Interlocked.Increment(ref _refused);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Checks every write accepted since the last check, in ZooKeeper's order, and removes the checked ones so
    /// the register stays small over a long campaign.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        var reader = await _reader(cancellationToken);
        var names = (await reader.GetChildrenAsync(Path, cancellationToken: cancellationToken))
            .Select(n => (Name: n, Sequence: SequenceNumber.Parse(n)))
            .Where(n => n.Sequence is not null)
            .OrderBy(n => n.Sequence)
            .Select(n => n.Name)
            .ToList();
        foreach (var batch in names.Chunk(500))
        {
            var reads = await Task.WhenAll(batch.Select(n => reader.GetDataAsync($"{Path}/{n}", cancellationToken: cancellationToken)));
            for (var i = 0; i < batch.Length; i++)
            {
                var parts = Encoding.UTF8.GetString(reads[i].Data).Split(' ');
                var written = (Token: long.Parse(parts[0], CultureInfo.InvariantCulture), Count: long.Parse(parts[1], CultureInfo.InvariantCulture));
                if (written.Token < _last.Token)
                {
                    StaleWrites.Add($"{batch[i]}: {parts[2]} wrote with token {written.Token} after token {_last.Token} had written");
                }
                else if (written.Token == _last.Token && written.Count <= _last.Count)
                {
                    StaleWrites.Add($"{batch[i]}: {parts[2]}'s write #{written.Count} with token {written.Token} came after its write #{_last.Count}");
                }

                if (written.CompareTo(_last) > 0)
                {
                    _last = written;
                }

                Verified++;
            }

            await Task.WhenAll(batch.Select(n => reader.DeleteAsync($"{Path}/{n}", cancellationToken: cancellationToken)));
        }
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>Stops the writers and waits for them; the register can still be verified afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await Task.WhenAll(_writers).ContinueWith(static _ => { }, TaskScheduler.Default);
    }
}
