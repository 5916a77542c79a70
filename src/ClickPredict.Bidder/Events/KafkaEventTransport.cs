using ClickPredict.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// Events to Kafka through the process's shared <see cref="EventProducer"/>: bounded and
/// non-blocking; when the cluster is down or slow, events are dropped and counted
/// (<c>clickpredict.kafka.dropped</c>) and bidding goes on unchanged. Topics from <c>Kafka:Topics</c>.
/// </summary>
internal sealed class KafkaEventTransport(EventProducer producer, KafkaClientFactory clients, IOptions<KafkaOptions> options) : IEventTransport
{
    private readonly string _bids = options.Value.Topics.Bids;
    private readonly string _impressions = options.Value.Topics.Impressions;
    private readonly string _clicks = options.Value.Topics.Clicks;

    public string Description => $"Kafka at {clients.BootstrapServers} (topics {_bids}, {_impressions}, {_clicks})";

    public bool TryPublish(EventTopic topic, string key, byte[] value) => producer.TryProduce(
        topic switch
        {
            EventTopic.Bids => _bids,
            EventTopic.Impressions => _impressions,
            _ => _clicks,
        },
        key,
        value);
}
