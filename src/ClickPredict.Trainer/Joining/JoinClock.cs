using ClickPredict.Trainer.Diagnostics;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// A partition's event clock (its watermark): the earliest "latest event time" of the inputs that still
/// have unread messages, so reading one topic ahead of another never times auctions out early; once every
/// input is caught up, the latest event time seen, and after <c>IdleAdvanceMs</c> with no new event it moves
/// on with the joiner's clock (unless held after an outage, see <see cref="JoinerMember"/>).
/// </summary>
internal static class JoinClock
{
    public static long Watermark(PartitionJoin state, IConsumer<string, byte[]> consumer, JoinTopics topics, int idleAdvanceMs, long nowMs, long elapsedMs, bool idleHeld)
    {
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
        if (caughtUp && !idleHeld && idleAdvanceMs > 0 && idleFor >= idleAdvanceMs && state.WatermarkMs != long.MinValue)
        {
            watermark = Math.Max(watermark, state.WatermarkMs + elapsedMs);
        }

        return watermark;
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
