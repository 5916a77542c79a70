using ClickPredict.Bidder.Events;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>Takes every event and keeps none: Kafka's place in the handler benchmark (four partitions, as the shipped topics).</summary>
internal sealed class DiscardingTransport : IEventTransport
{
    public string Description => "discarded (benchmark)";

    public int? BidPartitions => 4;

    public bool TryPublish(EventTopic topic, string key, byte[] value) => true;

    public bool TryPublishBatch(ReadOnlySpan<byte> key, byte[] value) => true;
}
