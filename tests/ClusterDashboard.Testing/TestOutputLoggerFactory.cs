using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterDashboard.Testing;

/// <summary>Writes a client's log into the test's output, so a failed test shows what the client went through.</summary>
public sealed class TestOutputLoggerFactory(ITestOutputHelper output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has ended; a late line from a background loop has nowhere to go.
            }
        }
    }
}
