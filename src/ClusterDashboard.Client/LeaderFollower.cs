using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Client;

/// <summary>
/// Follows a ClusterDashboard cluster's leader for a service: it reads the <c>GET /leader/stream</c> of one node and,
/// when that node goes away, falls silent, or says its own view is stale, moves on to the next. It resumes from the last
/// index only on the node that gave it: an index is a zxid, but each node's views are labelled from its own reads, so
/// another node's stream starts afresh. A report older than one already heard (a lagging node after a fail-over) is not
/// news, unless it names a newer term (epochs rise with every leader). <see cref="Current"/> is the leader as last
/// reported, null while none is known; <see cref="ChangesAsync"/> yields every change; <see cref="WaitForLeaderAsync"/>
/// waits for one.
/// </summary>
public sealed class LeaderFollower : IAsyncDisposable
{
    /// <summary>A node's stream sends a keep-alive every 15 s; one silent for longer than this is given up.</summary>
    public static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(20);

    /// <summary>A stream counts as having worked only if it stayed live this long: a node that flaps between live and
    /// stale is tried no faster than one that fails outright.</summary>
    public static readonly TimeSpan MinimumLive = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly List<Uri> _nodes;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LeaderView? _current;
    private long _index = -1;
    private Uri? _indexFrom; // the node _index was heard from
    private long _highestEpoch = long.MinValue; // the newest term heard of since the last Forget
    private Task _loop = Task.CompletedTask;

    /// <param name="nodes">The base URLs of the cluster's nodes, e.g. http://10.0.0.5:5001; at least one.</param>
    /// <param name="http">Used for the streams; its timeout must allow a long-lived response (default: one made here,
    /// with none).</param>
    public LeaderFollower(IEnumerable<Uri> nodes, HttpClient? http = null, TimeProvider? time = null, ILogger<LeaderFollower>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        // A base path is kept: relative to http://host/dash/ the stream is http://host/dash/leader/stream.
        _nodes = nodes.Select(n => n.IsAbsoluteUri && !n.AbsolutePath.EndsWith('/') ? new Uri(n.AbsoluteUri + "/") : n).ToList();
        if (_nodes.Count == 0 || _nodes.Any(n => !n.IsAbsoluteUri || n.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException("Give at least one node, each an absolute http(s) URL.", nameof(nodes));
        }

        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The leader as last reported; null while no leader is known (none elected, or no node reachable).</summary>
    public LeaderView? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>The current leader's fencing token, if any.</summary>
    public long? Token => Current?.Epoch;

    /// <summary>Starts following; the work runs until <see cref="DisposeAsync"/>.</summary>
    public LeaderFollower Start()
    {
        _loop = Task.Run(() => RunAsync(_stop.Token));
        return this;
    }

    /// <summary>The current leader (or null), then each later one as it is reported. A consumer slower than the changes
    /// sees the latest, not every one in between.</summary>
    public async IAsyncEnumerable<LeaderView?> ChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Ends when the follower is disposed, too.
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        while (true)
        {
            Task changed;
            LeaderView? current;
            lock (_lock)
            {
                changed = _changed.Task;
                current = _current;
            }

            yield return current;
            try
            {
                await changed.WaitAsync(ends.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
        }
    }

    /// <summary>Returns the leader as soon as one is known.</summary>
    public async Task<LeaderView> WaitForLeaderAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var leader in ChangesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (leader is not null)
            {
                return leader;
            }
        }

        throw new OperationCanceledException(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var next = Random.Shared.Next(_nodes.Count);
        var retry = FirstRetry;
        var failed = 0; // nodes tried in a row without a live stream
        while (!cancellationToken.IsCancellationRequested)
        {
            var node = _nodes[next];
            next = (next + 1) % _nodes.Count;
            var live = false;
            try
            {
                live = await FollowAsync(node, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                _logger.StreamEnded(node, e.Message);
            }
            catch (Exception e)
            {
                // Whatever one node sends (a body it should not, say) must not stop the following: the next node is asked.
                _logger.StreamFailed(e, node);
            }

            failed = live ? 0 : failed + 1;
            if (live)
            {
                retry = FirstRetry;
            }
            else if (failed >= _nodes.Count)
            {
                // Every node tried in a row, none live for long: nobody can vouch for a leader now. Say so, then back off.
                failed = 0;
                _logger.NoLiveStream(_nodes.Count, retry);
                Forget();
                try
                {
                    await Task.Delay(retry, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(LastRetry.Ticks, retry.Ticks * 2));
            }
        }
    }

    private void Forget()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_current is null)
            {
                return;
            }

            _current = null;
            _index = -1; // nothing heard counts any more: the next report, whatever its index, is the news
            _indexFrom = null;
            _highestEpoch = long.MinValue;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    // Reads one node's stream until it ends, falls silent or goes stale. Returns whether it was live for at least
    // MinimumLive.
    private async Task<bool> FollowAsync(Uri node, CancellationToken cancellationToken)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        silence.CancelAfter(SilenceLimit);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, "leader/stream"));
        // Resuming from the last index heard, only while a leader is known (after Forget the stream must say who leads)
        // and only from the node that gave it: another node's view at that index may not be the same view.
        lock (_lock)
        {
            if (_current is not null && _index >= 0 && _indexFrom == node)
            {
                request.Headers.Add("Last-Event-ID", _index.ToString(CultureInfo.InvariantCulture));
            }
        }

        _logger.Following(node);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false);
        long? liveSince = null;
        bool Worked() => liveSince is { } since && _time.GetElapsedTime(since) >= MinimumLive;
        await foreach (var item in SseParser.Create(body).EnumerateAsync(silence.Token).ConfigureAwait(false))
        {
            silence.CancelAfter(SilenceLimit);
            _logger.Heard(node, item.EventType, item.Data, item.EventId);
            switch (item.EventType)
            {
                case "live":
                    liveSince ??= _time.GetTimestamp();
                    break;
                case "stale":
                    // Its view is not confirmed by ZooKeeper: ask another node.
                    _logger.StaleView(node);
                    return Worked();
                case "leader":
                    Report(Parse(item, node), IndexOf(item), node);
                    break;
                case "noleader":
                    Report(null, IndexOf(item), node);
                    break;
            }
        }

        return Worked();
    }

    private static long IndexOf(SseItem<string> item) =>
        long.TryParse(item.EventId, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;

    private static LeaderView Parse(SseItem<string> item, Uri node)
    {
        using var json = JsonDocument.Parse(item.Data);
        var root = json.RootElement;
        var url = root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String && Uri.TryCreate(u.GetString(), UriKind.Absolute, out var parsed)
            && parsed.Scheme is "http" or "https" ? parsed : null; // a node's body is input too: only a web address is handed on
        return new LeaderView(
            root.GetProperty("nodeId").GetString() ?? throw new JsonException("a leader without a nodeId"),
            url,
            root.GetProperty("epoch").GetInt64(),
            root.GetProperty("sequence").GetInt64(),
            root.GetProperty("znode").GetString() ?? throw new JsonException("a leader without a znode"),
            IndexOf(item),
            node);
    }

    // Leaders are ranked by term (each leader's epoch is above its predecessor's): indexes of different nodes are not
    // exact enough to rank two leaders. A report from an older view (a lagging node after a fail-over) is not news.
    private void Report(LeaderView? leader, long index, Uri node)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            // A newer term is news whatever its index; an older term never is (a node lagging behind); otherwise the
            // index decides, as between two reports of one node.
            var newerTerm = leader is not null && leader.Epoch > _highestEpoch;
            if (!newerTerm && (index < _index || (leader is not null && leader.Epoch < _highestEpoch)))
            {
                return;
            }

            _index = index;
            _indexFrom = node;
            if (leader is not null)
            {
                _highestEpoch = Math.Max(_highestEpoch, leader.Epoch);
            }
            if (_current?.Znode == leader?.Znode)
            {
                _current = leader;
                return;
            }

            _current = leader;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
