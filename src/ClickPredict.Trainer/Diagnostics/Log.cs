using Microsoft.Extensions.Logging;

namespace ClickPredict.Trainer.Diagnostics;

/// <summary>
/// Source-generated log messages of the trainer. Event ids are fixed once published; next free id: 29. Retired: 3 (the joiner's consume errors) and 25
/// (librdkafka's lines), now logged by the Kafka component's consume loop and its one librdkafka handler.
/// </summary>
internal static partial class Log
{
    // Joiner: 1-12.
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Joiner assigned partition {Partition}: resuming at bids {Bids}, impressions {Impressions}, clicks {Clicks} with {Pending} pending auction(s); {Recovered} example(s) found already emitted after the checkpoint")]
    public static partial void JoinerAssigned(ILogger logger, int partition, long bids, long impressions, long clicks, int pending, int recovered);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Joiner gave up partition {Partition} ({Reason})")]
    public static partial void JoinerRevoked(ILogger logger, int partition, string reason);


    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Join checkpoint of partition {Partition} deferred: {Unacknowledged} example(s) not yet acknowledged by Kafka")]
    public static partial void JoinerCheckpointDeferred(ILogger logger, int partition, long unacknowledged);

    [LoggerMessage(EventId = 5, Level = LogLevel.Critical, Message = "Joiner cannot go on: {Reason}")]
    public static partial void JoinerFailed(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Joiner dropped a malformed {Topic} event at partition {Partition} offset {Offset}: {Reason}")]
    public static partial void JoinerMalformed(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Joiner was assigned {Topic} partition {Partition} without the same partition of every input topic; auctions of that partition may not join (give the bids, impressions and clicks topics equal partition counts)")]
    public static partial void JoinerNotCoPartitioned(ILogger logger, string topic, int partition);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Joiner stopped: {Partitions} partition(s) checkpointed")]
    public static partial void JoinerStopped(ILogger logger, int partitions);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Joiner took partition {Partition} back with {Unacknowledged} of its example(s) not yet acknowledged by Kafka; waiting for them before the recovery scan")]
    public static partial void JoinerAwaitingDelivery(ILogger logger, int partition, long unacknowledged);

    // Learner: 13-24.
    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Learner started on {Partitions} partition(s) of {Topic}: {Examples} example(s) learned so far, resuming at {Offsets}")]
    public static partial void LearnerStarted(ILogger logger, int partitions, string topic, long examples, string offsets);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Retrain decision: {Decision} ({Reason}), trigger {Trigger}: {Details}")]
    public static partial void RetrainDecided(ILogger logger, string decision, string reason, string trigger, string details);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Published {Label} to {Registry} ({Reason})")]
    public static partial void ModelPublished(ILogger logger, string label, string registry, string reason);

    [LoggerMessage(EventId = 28, Level = LogLevel.Information, Message = "Published {Label} to {Registry} (recalibrate only: {Reason})")]
    public static partial void CalibrationPublished(ILogger logger, string label, string registry, string reason);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Champion is now {Label}")]
    public static partial void ChampionChanged(ILogger logger, string label);

    [LoggerMessage(EventId = 17, Level = LogLevel.Error, Message = "Could not load the champion; comparing candidates with none")]
    public static partial void ChampionUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning, Message = "Learner could not read Kafka: {Code} {Reason}")]
    public static partial void LearnerConsumeError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "Learner dropped a malformed example at partition {Partition} offset {Offset}: {Reason}")]
    public static partial void LearnerMalformed(ILogger logger, int partition, long offset, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Retrain policy reloaded: {Policy}")]
    public static partial void PolicyReloaded(ILogger logger, string policy);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Could not publish the candidate to {Registry}")]
    public static partial void PublishFailed(ILogger logger, string registry, Exception exception);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Learner stopped: checkpoint of {Examples} example(s) at {Offsets}")]
    public static partial void LearnerStopped(ILogger logger, long examples, string offsets);

    [LoggerMessage(EventId = 23, Level = LogLevel.Critical, Message = "Learner cannot go on: {Reason}")]
    public static partial void LearnerFailed(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Retrain policy reload refused, keeping the previous one: {Problems}")]
    public static partial void PolicyRefused(ILogger logger, string problems);

    [LoggerMessage(EventId = 27, Level = LogLevel.Information, Message = "Joiner could not commit the offsets of {Count} checkpointed partition(s) to the group ({Code} {Reason}); the checkpoints hold them, and the next owner resumes from those")]
    public static partial void JoinerCommitSkipped(ILogger logger, int count, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(EventId = 26, Level = LogLevel.Debug, Message = "Joiner partition {Partition}: next offsets {Next} (bids/impressions/clicks), ends {Ends}, clock {WatermarkMs}, latest event times {Latest}, {Pending} pending")]
    public static partial void JoinerPartitionState(ILogger logger, int partition, string next, string ends, long watermarkMs, string latest, int pending);

}
