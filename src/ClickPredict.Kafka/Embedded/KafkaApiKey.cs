namespace ClickPredict.Kafka.Embedded;

/// <summary>
/// Kafka protocol request types (the wire protocol's ApiKey), for
/// <see cref="EmbeddedKafkaCluster.PushRequestErrors(KafkaApiKey, Confluent.Kafka.ErrorCode[])"/>.
/// Only the ones our clients send are listed; the numbers are the protocol's own.
/// </summary>
public enum KafkaApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    ApiVersions = 18,
    InitProducerId = 22,
}
