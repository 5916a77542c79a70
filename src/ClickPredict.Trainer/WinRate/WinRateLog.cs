namespace ClickPredict.Trainer.WinRate;

/// <summary>The win-rate learner's log lines (event ids 200-209; next free: 207).</summary>
internal static partial class WinRateLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Win-rate learner started on {Topics}, resuming from {Champion}")]
    public static partial void Started(ILogger logger, string topics, string champion);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Win-rate model {Label} published to {Directory}: {Reason}")]
    public static partial void Published(ILogger logger, string label, string directory, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Win-rate candidate not published, {Champion} kept: {Reason}")]
    public static partial void Kept(ILogger logger, string champion, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Win-rate registry {Directory}: could not publish or read: {Reason}")]
    public static partial void RegistryFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Win-rate champion is now {Label} (changed in the registry): learning goes on from it")]
    public static partial void ChampionChanged(ILogger logger, string label);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Win-rate learner skipped an event on {Topic}: {Reason}")]
    public static partial void BadEvent(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 206, Level = LogLevel.Critical, Message = "Win-rate learner cannot go on: {Reason}")]
    public static partial void Failed(ILogger logger, string reason, Exception exception);
}
