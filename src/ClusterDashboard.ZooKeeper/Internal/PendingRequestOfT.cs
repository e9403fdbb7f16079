using ClusterDashboard.ZooKeeper.Protocol;

namespace ClusterDashboard.ZooKeeper.Internal;

internal sealed class PendingRequest<T> : PendingRequest
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResponseReader<T> _reader;
    private readonly ZooKeeperErrorCode? _defaultOn;
    private T? _result;
    private Exception? _error;

    /// <param name="defaultOn">An error code the caller treats as an answer, default(T) (exists on a missing node).</param>
    public PendingRequest(
        OpCode op,
        byte[] body,
        string? path,
        ResponseReader<T> reader,
        WatchRegistration? watch = null,
        ZooKeeperErrorCode? defaultOn = null)
        : base(op, body, path, watch)
    {
        _reader = reader;
        _defaultOn = defaultOn;
    }

    public Task<T> Task => _completion.Task;

    public override bool IsAbandoned => _completion.Task.IsCompleted;

    public override void Accept(ZooKeeperErrorCode error, ref JuteReader body)
    {
        if (error == ZooKeeperErrorCode.Ok)
        {
            _result = _reader(ref body);
        }
        else if (error != _defaultOn)
        {
            _error = new ZooKeeperException(error, Path);
        }
    }

    public override void Deliver()
    {
        if (_error is not null)
        {
            _completion.TrySetException(_error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);

    public void Cancel(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
