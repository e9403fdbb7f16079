using ClusterDashboard.Testing;

namespace ClusterDashboard.Coordination.Tests;

public sealed class FreshRunTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>An operation whose runs are numbered and each held until the test lets it end.</summary>
    private sealed class GatedOperation
    {
        private readonly List<TaskCompletionSource> _gates = [];
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public async Task<int> RunAsync(CancellationToken cancellationToken)
        {
            var run = Interlocked.Increment(ref _runs);
            await Gate(run).Task.WaitAsync(cancellationToken);
            return run;
        }

        public void End(int run, Exception? error = null)
        {
            if (error is null)
            {
                Gate(run).SetResult();
            }
            else
            {
                Gate(run).SetException(error);
            }
        }

        private TaskCompletionSource Gate(int run)
        {
            lock (_gates)
            {
                while (_gates.Count < run)
                {
                    _gates.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }

                return _gates[run - 1];
            }
        }
    }

    [Fact]
    public async Task Callers_that_arrive_during_a_run_share_the_next_one_and_never_get_the_older_answer()
    {
        var operation = new GatedOperation();
        var runs = new FreshRun<int>(operation.RunAsync, CancellationToken.None);

        var first = runs.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 1), Deadline, "the first run began");
        var later = Enumerable.Range(0, 100).Select(_ => runs.RunAsync(CancellationToken.None)).ToList();
        operation.End(1);
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 2), Deadline, "the second run began");
        operation.End(2);

        Assert.Equal(1, await first.WaitAsync(Deadline));
        Assert.All(await Task.WhenAll(later).WaitAsync(Deadline), answer => Assert.Equal(2, answer));
        Assert.Equal(2, operation.Runs);
    }

    [Fact]
    public async Task A_failed_run_fails_only_its_own_callers_and_the_next_caller_starts_afresh()
    {
        var operation = new GatedOperation();
        var runs = new FreshRun<int>(operation.RunAsync, CancellationToken.None);

        var failing = runs.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 1), Deadline, "the first run began");
        var waiting = runs.RunAsync(CancellationToken.None);
        operation.End(1, new InvalidOperationException("lost"));
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 2), Deadline, "the waiting run began");
        operation.End(2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Deadline));
        Assert.Equal(2, await waiting.WaitAsync(Deadline));

        var afresh = runs.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 3), Deadline, "a caller after both starts a run of its own");
        operation.End(3);
        Assert.Equal(3, await afresh.WaitAsync(Deadline));
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_run_for_the_others()
    {
        var operation = new GatedOperation();
        var runs = new FreshRun<int>(operation.RunAsync, CancellationToken.None);
        using var impatient = new CancellationTokenSource();

        var first = runs.RunAsync(CancellationToken.None);
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 1), Deadline, "the first run began");
        var gaveUp = runs.RunAsync(impatient.Token);
        var patient = runs.RunAsync(CancellationToken.None); // both share the second run
        await impatient.CancelAsync();
        operation.End(1);
        await Eventually.UntilAsync(_ => Task.FromResult(operation.Runs == 2), Deadline, "the second run began");
        operation.End(2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        Assert.Equal(2, await patient.WaitAsync(Deadline));
        Assert.Equal(1, await first.WaitAsync(Deadline));
    }
}
