using Microsoft.Extensions.Logging;

namespace ClickPredict.Bidder.Diagnostics;

/// <summary>The bidder's log messages, source-generated. Next free event id: 25.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Campaigns loaded from {Path}: {Advertisers} advertisers, {Campaigns} campaigns, {Creatives} creatives")]
    public static partial void CampaignsLoaded(ILogger logger, string path, int advertisers, int campaigns, int creatives);

    [LoggerMessage(2, LogLevel.Information, "Serving model {Label} from {Source} {Path} ({Description})")]
    public static partial void ModelServing(ILogger logger, string label, string source, string path, string description);

    [LoggerMessage(3, LogLevel.Warning, "Refused model {Label} from {Path}: {Reason}; still serving {Serving}")]
    public static partial void ModelRefused(ILogger logger, string label, string path, string reason, string serving);

    [LoggerMessage(4, LogLevel.Warning, "No model to serve: the registry at {Registry} has no usable champion and {DefaultPath} cannot be served; bidding answers no-bid until one is published")]
    public static partial void NoModel(ILogger logger, string registry, string defaultPath);

    [LoggerMessage(5, LogLevel.Warning, "Cannot read the model registry at {Registry}: {Reason}")]
    public static partial void RegistryUnreadable(ILogger logger, string registry, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Rolled back from model {From} to {To}")]
    public static partial void RolledBack(ILogger logger, string from, string to);

    [LoggerMessage(7, LogLevel.Debug, "Bid request refused ({Code}): {Message}")]
    public static partial void RequestRefused(ILogger logger, string code, string message);

    [LoggerMessage(8, LogLevel.Error, "Bid handler failed; answered no-bid (technical error)")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "{Kind} notice refused ({Outcome}): {Message}")]
    public static partial void NoticeRefused(ILogger logger, string kind, string outcome, string message);

    [LoggerMessage(10, LogLevel.Warning, "Admin request refused from {Remote}: {Reason}")]
    public static partial void AdminRefused(ILogger logger, string? remote, string reason);

    [LoggerMessage(11, LogLevel.Information, "Watching the model registry at {Registry} (file events and a poll every {PollMs} ms)")]
    public static partial void WatchingRegistry(ILogger logger, string registry, int pollMs);

    [LoggerMessage(12, LogLevel.Warning, "File-system events are unavailable for {Registry} ({Reason}); polling only")]
    public static partial void WatcherUnavailable(ILogger logger, string registry, string reason);

    [LoggerMessage(13, LogLevel.Error, "Model watcher check failed")]
    public static partial void WatcherFailed(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "Bidding for {Exchanges} (default {Default}) at {Paths}")]
    public static partial void Endpoints(ILogger logger, string exchanges, string @default, string paths);

    [LoggerMessage(15, LogLevel.Warning, "Event log unavailable: {Reason}; bids go on without event logging")]
    public static partial void EventsOff(ILogger logger, string reason);

    [LoggerMessage(17, LogLevel.Information, "Logging bids, impressions and clicks to {Destination}")]
    public static partial void EventsTo(ILogger logger, string destination);

    [LoggerMessage(16, LogLevel.Debug, "Request body refused by the server: {Status} {Message}")]
    public static partial void BodyRefused(ILogger logger, int status, string message);

    [LoggerMessage(18, LogLevel.Warning, "Kafka cannot be reached to read today's spend from {Topic} ({Reason}); Fleet:StartWithoutKafka is true, so this bidder bids on its own spend only (it cannot see the rest of the fleet's) until Kafka answers")]
    public static partial void FleetDegraded(ILogger logger, string topic, string reason);

    [LoggerMessage(19, LogLevel.Warning, "Kafka cannot be reached to read today's spend from {Topic} ({Reason}); not bidding until it is read (set Fleet:StartWithoutKafka=true to bid on this bidder's own spend meanwhile)")]
    public static partial void FleetWaiting(ILogger logger, string topic, string reason);

    [LoggerMessage(20, LogLevel.Warning, "Still cannot read today's spend from {Topic} after {Attempts} attempts: {Reason}")]
    public static partial void FleetStillUnreachable(ILogger logger, string topic, int attempts, string reason);

    [LoggerMessage(21, LogLevel.Warning, "Reading the fleet's spend back failed ({Code}): {Reason}")]
    public static partial void FleetReadFailed(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(22, LogLevel.Information, "Read today's fleet spend back from {Topic}: {Events} impression events from {Partitions} partitions in {Milliseconds} ms; bidding{Note}")]
    public static partial void FleetCaughtUp(ILogger logger, string topic, long events, int partitions, long milliseconds, string note);

    [LoggerMessage(23, LogLevel.Warning, "{Count} charges of an earlier day never came back from the impressions topic (their events were dropped); they counted in this bidder's spend that day only")]
    public static partial void FleetPendingLost(ILogger logger, int count);

    [LoggerMessage(24, LogLevel.Information, "Bid events are batched by the {Partitions} partitions of {Topic}")]
    public static partial void BidEventsBatched(ILogger logger, string topic, int partitions);
}
