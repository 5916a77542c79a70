using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;

namespace ClickPredict.Kafka;

/// <summary>
/// Kafka producer metrics (meter <c>ClickPredict.Kafka</c>), tagged with the topic
/// (<c>messaging.destination.name</c>) and, for failures, the librdkafka error (<c>error.type</c>).
/// </summary>
internal sealed class KafkaMetrics
{
    public const string MeterName = "ClickPredict.Kafka";

    private readonly Counter<long> _produced;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _deliveryFailed;

    public KafkaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _produced = meter.CreateCounter<long>(
            "clickpredict.kafka.produced",
            unit: "{message}",
            description: "Messages the broker acknowledged.");
        _dropped = meter.CreateCounter<long>(
            "clickpredict.kafka.dropped",
            unit: "{message}",
            description: "Messages refused locally without blocking (queue full, producer closed, local error); never sent.");
        _deliveryFailed = meter.CreateCounter<long>(
            "clickpredict.kafka.delivery_failed",
            unit: "{message}",
            description: "Messages accepted into the queue whose delivery then failed (timed out, or refused by the broker).");
    }

    public void Produced(string topic)
    {
        if (_produced.Enabled)
        {
            Add(_produced, topic);
        }
    }

    public void Dropped(string topic, ErrorCode reason)
    {
        if (_dropped.Enabled)
        {
            Add(_dropped, topic, reason);
        }
    }

    public void DeliveryFailed(string topic, ErrorCode reason)
    {
        if (_deliveryFailed.Enabled)
        {
            Add(_deliveryFailed, topic, reason);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Add(Counter<long> counter, string topic) =>
        counter.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Add(Counter<long> counter, string topic, ErrorCode reason) =>
        counter.Add(
            1,
            new KeyValuePair<string, object?>("messaging.destination.name", topic),
            new KeyValuePair<string, object?>("error.type", reason.ToString()));
}
