using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// Where the in-process bidder and trainer log during the demo: the console belongs to the live view,
/// so warnings and errors are kept here (the last <see cref="Kept"/> of them), counted, and shown in the summary.
/// </summary>
internal sealed class DemoLog : ILoggerProvider
{
    public const int Kept = 20;

    private readonly ConcurrentQueue<string> _recent = new();
    private long _warnings;
    private long _errors;

    public long Warnings => Interlocked.Read(ref _warnings);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The latest warnings and errors, oldest first.</summary>
    public IReadOnlyList<string> Recent => [.. _recent];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message, Exception? exception)
    {
        Interlocked.Increment(ref level >= LogLevel.Error ? ref _errors : ref _warnings);
        var line = $"{DateTime.UtcNow:HH:mm:ss} {(level >= LogLevel.Error ? "error" : "warn")} {category}: {message}{(exception is null ? string.Empty : " (" + exception.Message + ")")}";
        _recent.Enqueue(line);
        while (_recent.Count > Kept && _recent.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(DemoLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
