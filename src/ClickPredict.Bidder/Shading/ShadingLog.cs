namespace ClickPredict.Bidder.Shading;

/// <summary>First-price shading's log messages (event ids 300-309; next free: 304).</summary>
internal static partial class ShadingLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Win-rate model {Label} in service ({Observations} outcomes over {Exchanges} exchange(s)); first-price bids priced under it")]
    public static partial void Swapped(ILogger logger, string label, long observations, int exchanges);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Win-rate model {Label} refused, the one in service keeps serving: {Reason}")]
    public static partial void Refused(ILogger logger, string label, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Watching the win-rate registry {Directory} every {PollMs} ms (pricing: {Pricing})")]
    public static partial void Watching(ILogger logger, string directory, int pollMs, string pricing);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Win-rate registry watcher failed; trying again at the next poll")]
    public static partial void WatcherFailed(ILogger logger, Exception exception);
}
