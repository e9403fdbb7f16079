using ClusterDashboard.ZooKeeper.Protocol;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>
/// Credentials added to a live connection. They go out through the send loop like any request, so a caller that
/// stops waiting can neither cut a frame in half nor leave a waiter the next auth reply would be matched to: the
/// waiter joins the queue of auth replies exactly when its frame is written. It is never skipped, since the session
/// keeps the credentials whether or not the caller waits.
/// </summary>
internal sealed class AuthRequest(byte[] body) : PendingRequest(OpCode.Auth, body, null, null)
{
    public TaskCompletionSource<ZooKeeperErrorCode> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsAbandoned => false;

    // Auth replies are matched by their own xid, never through the pending queue.
    public override void Accept(ZooKeeperErrorCode error, ref JuteReader body) => throw new InvalidOperationException("An auth reply is not a pending request's.");

    public override void Deliver()
    {
    }

    // Not sent on this connection: the next one sends the credentials with its priming packets.
    public override void Fail(Exception error) => Reply.TrySetResult(ZooKeeperErrorCode.ConnectionLoss);
}
