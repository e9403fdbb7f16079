using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Testing;

/// <summary>Every line a node logs from <see cref="MinimumLevel"/> up, formatted as a console would print it, with its
/// structured values, so a test can check what the log says (and what it must never say).</summary>
public sealed class CapturedLogs(LogLevel minimumLevel) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>A logger factory that writes here alone.</summary>
    public ILoggerFactory Factory() => new OnlyHere(this);

    private sealed class OnlyHere(CapturedLogs logs) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logs.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= logs.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // The message and every structured value on its own, as a JSON console formatter would also write them.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            logs._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} {exception}");
        }
    }
}
