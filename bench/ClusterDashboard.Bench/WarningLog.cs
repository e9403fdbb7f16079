using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Bench;

/// <summary>For `chaos --verbose`: what the nodes themselves warn about (a lease run out, a candidate waiting for an
/// older session, a candidate deleted), one line each through the campaign's log, so a failing seed can be read.</summary>
internal sealed class WarningLog(Action<string> write) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(write, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(Action<string> write, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                write($"  [{category}] {formatter(state, exception)}");
            }
        }
    }
}
