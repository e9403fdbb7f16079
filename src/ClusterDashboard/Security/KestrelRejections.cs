using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ClusterDashboard.Security;

/// <summary>
/// Kestrel answers a request it cannot parse (a malformed request line or header, one too large, an HTTP version it
/// does not speak) by itself, before any middleware runs: a bare status with no body and the connection closed. No
/// hook of the framework reaches that answer, so this connection middleware does: it passes every byte Kestrel
/// writes through, and rewrites only a response of exactly that form into the same status with a problem+json body,
/// like every other error of the API. Everything else goes out as written.
/// </summary>
internal static class KestrelRejections
{
    private static readonly byte[] Http11 = "HTTP/1.1 "u8.ToArray();
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Puts the rewriting writer under every connection of <paramref name="endpoint"/>.</summary>
    public static void Use(ListenOptions endpoint) =>
        endpoint.Use(next => async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new Pipe(transport.Input, new RewritingWriter(transport.Output));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        });

    /// <summary>The problem+json form of a bare rejection, or false when <paramref name="response"/> is anything
    /// else: a 4xx or 5xx status line, headers that close the connection with Content-Length 0, and nothing after.</summary>
    internal static bool TryRewrite(ReadOnlySpan<byte> response, out byte[] rewritten)
    {
        rewritten = [];
        var end = response.IndexOf(HeaderEnd);
        if (!response.StartsWith(Http11) || end < 0 || end + HeaderEnd.Length != response.Length || response.Length < 13 || response[9] is not ((byte)'4' or (byte)'5'))
        {
            return false;
        }

        var lines = Encoding.ASCII.GetString(response[..end]).Split("\r\n");
        var headers = lines.Skip(1).ToList();
        if (!headers.Contains("Content-Length: 0", StringComparer.OrdinalIgnoreCase) || !headers.Contains("Connection: close", StringComparer.OrdinalIgnoreCase)
            || headers.Any(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var statusLine = lines[0];
        var status = int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var title = statusLine.Length > 13 ? statusLine[13..] : "Bad Request";
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "https://tools.ietf.org/html/rfc9110#section-15",
            title,
            status,
            detail = "The server refused the request before reading it: it is not valid HTTP, or its request line or headers are too large.",
        });
        var head = new StringBuilder(statusLine).Append("\r\n");
        foreach (var header in headers.Where(h => !h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("Content-Type: application/problem+json\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n");
        rewritten = [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
        return true;
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Collects what Kestrel writes until it flushes, then hands it on, rewritten if it is a bare rejection.</summary>
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        private const int KeptCapacity = 16 * 1024;

        private ArrayBufferWriter<byte> _pending = new(4096);

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _pending.WrittenCount + (inner.CanGetUnflushedBytes ? inner.UnflushedBytes : 0);

        public override void Advance(int bytes) => _pending.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            HandOn();
            return inner.FlushAsync(cancellationToken);
        }

        public override void Complete(Exception? exception = null)
        {
            HandOn();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            HandOn();
            return inner.CompleteAsync(exception);
        }

        private void HandOn()
        {
            if (_pending.WrittenCount == 0)
            {
                return;
            }

            var written = _pending.WrittenSpan;
            inner.Write(TryRewrite(written, out var rewritten) ? rewritten : written);

            // A large response (a static file) should not keep its buffer for the rest of the connection.
            _pending = _pending.Capacity > KeptCapacity ? new ArrayBufferWriter<byte>(4096) : Reset(_pending);
        }

        private static ArrayBufferWriter<byte> Reset(ArrayBufferWriter<byte> buffer)
        {
            buffer.ResetWrittenCount();
            return buffer;
        }
    }
}
