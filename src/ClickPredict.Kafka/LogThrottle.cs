namespace ClickPredict.Kafka;

/// <summary>Lets one log line through per interval, so a Kafka outage does not flood the log.</summary>
internal sealed class LogThrottle(long intervalMs = 10_000)
{
    private long _nextAt = long.MinValue;

    public bool ShouldLog()
    {
        var now = Environment.TickCount64;
        var next = Interlocked.Read(ref _nextAt);
        return now >= next && Interlocked.CompareExchange(ref _nextAt, now + intervalMs, next) == next;
    }

    /// <summary>Logs a client error: a fatal one always, others once per interval.</summary>
    public void LogIfDue(Microsoft.Extensions.Logging.ILogger logger, Confluent.Kafka.Error error)
    {
        if (error.IsFatal || ShouldLog())
        {
            Log.ClientError(logger, error.Code, error.Reason);
        }
    }
}
