using ClickPredict.Trainer.Diagnostics;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// A partition's event clock (its watermark): the earliest "latest event time" of the inputs that still
/// have unread messages, so reading one topic ahead of another never times auctions out early; once every
/// input is caught up, the latest event time seen, and after <c>IdleAdvanceMs</c> with no new event it moves
/// on with the joiner's clock.
/// </summary>
/// <remarks>
/// After a broker outage (<c>OutageHoldMs</c> after the consumer's last transport error, see
/// <see cref="JoinerMember"/>) "caught up" cannot be trusted: the bidders are still delivering what they
/// held, one topic's backlog ahead of another's (the small win notices before the large bids), and an
/// input that has read all the broker has now may have more of the past to come. Then the clock is the
/// earliest latest event time of every input (each is in event-time order, so nothing older is still to
/// come from an input that has read past it), and it does not follow the wall clock. Auctions close later
/// for that while, none before its events arrive.
/// </remarks>
internal static class JoinClock
{
    public static long Watermark(PartitionJoin state, IConsumer<string, byte[]> consumer, JoinTopics topics, int idleAdvanceMs, long nowMs, long elapsedMs, bool afterOutage)
    {
        if (afterOutage)
        {
            return EarliestLatest(state);
        }

        var caughtUp = true;
        long lagging = long.MaxValue, latest = long.MinValue;
        for (var t = 0; t < 3; t++)
        {
            var max = state.MaxEventMs[t];
            latest = Math.Max(latest, max);
            if (!CaughtUp(state, consumer, topics.Names[t], t))
            {
                caughtUp = false;
                lagging = Math.Min(lagging, max);
            }
        }

        var watermark = caughtUp ? latest : lagging;
        var idleFor = nowMs - state.LastArrivalMs;
        if (caughtUp && idleAdvanceMs > 0 && idleFor >= idleAdvanceMs && state.WatermarkMs != long.MinValue)
        {
            watermark = Math.Max(watermark, state.WatermarkMs + elapsedMs);
        }

        return watermark;
    }

    /// <summary>The earliest latest event time among the inputs seen so far (<see cref="long.MinValue"/> before any).</summary>
    private static long EarliestLatest(PartitionJoin state)
    {
        var earliest = long.MaxValue;
        foreach (var max in state.MaxEventMs)
        {
            if (max != long.MinValue)
            {
                earliest = Math.Min(earliest, max);
            }
        }

        return earliest == long.MaxValue ? long.MinValue : earliest;
    }

    /// <summary>Logs the partition's offsets, ends, clock and pending count (debug diagnostics).</summary>
    public static void LogState(ILogger logger, PartitionJoin state, IConsumer<string, byte[]> consumer, JoinTopics topics)
    {
#pragma warning disable CA1873 // The caller checks IsEnabled(Debug); once every 5 s.
        Log.JoinerPartitionState(logger, state.Partition, string.Join('/', state.NextOffsets), string.Join('/', Enumerable.Range(0, 3).Select(t => consumer.GetWatermarkOffsets(new TopicPartition(topics.Names[t], state.Partition)).High.Value)), state.WatermarkMs, string.Join('/', state.MaxEventMs), state.PendingCount);
#pragma warning restore CA1873
    }

    private static bool CaughtUp(PartitionJoin state, IConsumer<string, byte[]> consumer, string topic, int t)
    {
        var tp = new TopicPartition(topic, state.Partition);
        var marks = consumer.GetWatermarkOffsets(tp);
        if (marks.High.IsSpecial)
        {
            return false;
        }

        var next = state.NextOffsets[t];
        if (next < 0)
        {
            var position = consumer.Position(tp);
            next = position.IsSpecial ? (marks.Low.IsSpecial ? -1 : marks.Low.Value) : position.Value;
        }

        return next >= marks.High.Value;
    }
}
