using Confluent.Kafka;

namespace ClickPredict.Kafka.Consuming;

/// <summary>
/// What a <see cref="ConsumeLoop{TKey, TValue}"/> calls, always on the loop's thread: the consumer's
/// rebalance hooks, each message, and a tick after every poll. Per-partition state belongs to the
/// handler, created in <see cref="OnAssigned"/> and checkpointed and dropped in <see cref="OnRevoked"/>
/// (as Confluent's exactly-once example keeps it).
/// </summary>
public abstract class ConsumeHandler<TKey, TValue>
{
    /// <summary>Partitions the group gave this consumer; returns where each starts (<see cref="Offset.Unset"/>: the group's committed offset).</summary>
    public virtual IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        return partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset));
    }

    /// <summary>Partitions taken away in an orderly rebalance: checkpoint them and commit their offsets now.</summary>
    public virtual void OnRevoked(List<TopicPartitionOffset> partitions)
    {
    }

    /// <summary>Partitions lost (the group session expired): another consumer may own them already, so neither checkpoint nor commit.</summary>
    public virtual void OnLost(List<TopicPartitionOffset> partitions)
    {
    }

    /// <summary>One message (never a partition-end event).</summary>
    public abstract void OnMessage(ConsumeResult<TKey, TValue> result);

    /// <summary>After every poll, with or without a message.</summary>
    public virtual void OnTick()
    {
    }

    /// <summary>At a graceful stop, before the consumer leaves its group: the last checkpoint.</summary>
    public virtual void OnStopping()
    {
    }
}
