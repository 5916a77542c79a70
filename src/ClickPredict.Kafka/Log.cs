using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Kafka;

/// <summary>
/// Source-generated log messages of the Kafka component. Event ids are fixed once published;
/// next free id: 21.
/// </summary>
internal static partial class Log
{
    // Embedded broker and discovery: 1-9.
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Started the embedded Kafka broker ({Brokers} broker(s)) at {BootstrapServers}; advertised in {Advertisement}")]
    public static partial void EmbeddedBrokerStarted(ILogger logger, int brokers, string bootstrapServers, string advertisement);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Using the embedded Kafka broker of process {Pid} at {BootstrapServers} (found in {Advertisement})")]
    public static partial void EmbeddedBrokerJoined(ILogger logger, int pid, string bootstrapServers, string advertisement);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Ignoring the stale embedded-broker advertisement {Advertisement}: {Reason}")]
    public static partial void StaleAdvertisementIgnored(ILogger logger, string advertisement, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Could not lock {LockFile} within {Seconds} s; going on without it (two processes may start a broker each)")]
    public static partial void DiscoveryLockTimeout(ILogger logger, string lockFile, int seconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information,
        Message = "Stopped the embedded Kafka broker at {BootstrapServers}")]
    public static partial void EmbeddedBrokerStopped(ILogger logger, string bootstrapServers);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Could not write or remove the embedded-broker advertisement {Advertisement}")]
    public static partial void AdvertisementFailed(ILogger logger, string advertisement, Exception exception);

    // Topics: 10-12.
    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Created Kafka topic {Topic} with {Partitions} partition(s)")]
    public static partial void TopicCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "Kafka topic {Topic} has {Actual} partition(s), not the configured {Wanted}; keys of one bid id may map to different partition numbers across topics")]
    public static partial void TopicPartitionMismatch(ILogger logger, string topic, int actual, int wanted);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "Could not make sure the Kafka topics exist; producers and consumers go on and retry")]
    public static partial void EnsureTopicsFailed(ILogger logger, Exception exception);

    // Producer: 13-18.
    [LoggerMessage(EventId = 13, Level = LogLevel.Warning,
        Message = "Kafka client error {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Critical,
        Message = "Fatal Kafka producer error {Code}: {Reason}; every further event is dropped")]
    public static partial void ProducerFatal(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning,
        Message = "Kafka producer dropping events ({Reason}); {Dropped} dropped so far")]
    public static partial void EventsDropped(ILogger logger, string reason, long dropped);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning,
        Message = "Kafka deliveries failing ({Code}); {Failed} failed so far")]
    public static partial void DeliveriesFailing(ILogger logger, ErrorCode code, long failed);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning,
        Message = "Kafka producer closed with {Remaining} event(s) undelivered after waiting {TimeoutMs} ms")]
    public static partial void FlushIncomplete(ILogger logger, int remaining, int timeoutMs);

    [LoggerMessage(EventId = 18,
        Message = "librdkafka {Facility} [{Name}]: {Message}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string facility, string name, string message);

    // Consume loop: 19-20.
    [LoggerMessage(EventId = 19, Level = LogLevel.Warning,
        Message = "Kafka consumer {Name} could not read: {Code} {Reason}")]
    public static partial void ConsumeError(ILogger logger, string name, ErrorCode code, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "Kafka consumer {Name} lost the broker ({Code} {Reason}); outage {Outages} seen")]
    public static partial void BrokerUnreachable(ILogger logger, string name, ErrorCode code, string reason, long outages);
}
