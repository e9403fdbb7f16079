namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>An exception's message with those of its inner exceptions: a failed TLS handshake says only
/// "Authentication failed, see inner exception" and puts the reason (an untrusted root, a name mismatch, the server's
/// alert) inside, which is what an operator needs to read.</summary>
internal static class FailureReason
{
    public static string Of(Exception error)
    {
        var messages = new List<string>();
        for (var e = error; e is not null && messages.Count < 4; e = e.InnerException)
        {
            if (!messages.Contains(e.Message, StringComparer.Ordinal))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" → ", messages);
    }
}
