using Confluent.Kafka;

namespace ClickPredict.Bidder.Fleet;

/// <summary>
/// Where a read-back starts in each partition of a topic (the first event at or after a time) and where
/// each partition ended when it started (its high watermark): reading up to those ends is "caught up".
/// </summary>
internal sealed class ReadStart
{
    private readonly long[] _ends;

    private ReadStart(List<TopicPartitionOffset> offsets, long[] ends)
    {
        Offsets = offsets;
        _ends = ends;
    }

    /// <summary>The offsets to assign, one per partition.</summary>
    public List<TopicPartitionOffset> Offsets { get; }

    /// <summary>Asks the cluster; throws <see cref="KafkaException"/> when it cannot be reached in <paramref name="timeout"/> or the topic is missing.</summary>
    /// <param name="consumer">The reader.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="fromUnixMs">The earliest event time wanted.</param>
    /// <param name="timeout">How long each request to the cluster may take.</param>
    /// <param name="timeLookups">
    /// Whether the cluster finds offsets by time (<see cref="Kafka.KafkaClientFactory.SupportsTimeLookups"/>);
    /// without, every partition is read from its beginning (the caller filters by event time).
    /// </param>
    public static ReadStart Find(IConsumer<Ignore, byte[]> consumer, string topic, long fromUnixMs, TimeSpan timeout, bool timeLookups)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            var error = metadata?.Error ?? new Error(ErrorCode.UnknownTopicOrPart);
            throw new KafkaException(new Error(error.Code, $"topic {topic}: {(error.IsError ? error.Reason : "no partitions")}"));
        }

        var count = metadata.Partitions.Max(p => p.PartitionId) + 1;
        var partitions = metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToList();
        var found = timeLookups
            ? consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, new Timestamp(fromUnixMs, TimestampType.CreateTime))), timeout)
            : null;
        var ends = new long[count];
        var offsets = new List<TopicPartitionOffset>(partitions.Count);
        foreach (var partition in partitions)
        {
            var watermarks = consumer.QueryWatermarkOffsets(partition, timeout);
            var end = watermarks.High.Value;
            long startAt;
            if (found is null)
            {
                startAt = watermarks.Low.Value;
            }
            else
            {
                // No event at or after the time: nothing to read back, start at the end.
                var at = found.Single(f => f.Partition == partition.Partition).Offset;
                startAt = at.IsSpecial ? end : Math.Min(at.Value, end);
            }

            ends[partition.Partition.Value] = end;
            offsets.Add(new TopicPartitionOffset(partition, new Offset(startAt)));
        }

        return new ReadStart(offsets, ends);
    }

    /// <summary>The next offset to read in each partition, as assigned: the consumer's bookkeeping starts here.</summary>
    public long[] StartOffsets()
    {
        var next = new long[_ends.Length];
        foreach (var offset in Offsets)
        {
            next[offset.Partition.Value] = offset.Offset.Value;
        }

        return next;
    }

    /// <summary>Whether every partition has been read up to where it ended at the start.</summary>
    public bool Reached(long[] next)
    {
        for (var i = 0; i < _ends.Length; i++)
        {
            if (next[i] < _ends[i])
            {
                return false;
            }
        }

        return true;
    }
}
