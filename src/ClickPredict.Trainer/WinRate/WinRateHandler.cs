using ClickPredict.Core.Events;
using ClickPredict.Kafka.Consuming;
using Confluent.Kafka;

namespace ClickPredict.Trainer.WinRate;

/// <summary>
/// The win-rate learner's consumer: bid events (batches split), impressions and losses into the
/// <see cref="WinRateJoin"/>; after a poll with nothing new, the join's clock follows the wall clock (the last
/// bids of a quiet stream still time out); every <c>PublishEveryOutcomes</c> outcomes the publisher decides,
/// and the offsets read so far are stored for the group's commit (what they cover is in the published model or
/// waiting in the join; a restart resumes from the champion, so pending bids of a crash are not learned, never
/// learned twice).
/// </summary>
internal sealed class WinRateHandler : ConsumeHandler<string, byte[]>
{
    private static readonly TimeSpan s_refreshEvery = TimeSpan.FromSeconds(5);

    private readonly WinRateJoin _join;
    private readonly WinRatePublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _bids;
    private readonly string _impressions;
    private readonly string _losses;
    private readonly List<BatchedBidEvent> _batch = [];
    private readonly Dictionary<TopicPartition, Offset> _next = [];
    private long _messagesSinceTick;
    private long _refreshedTicks;

    public WinRateHandler(WinRateJoin join, WinRatePublisher publisher, TimeProvider time, ILogger logger, string bids, string impressions, string losses)
    {
        _join = join;
        _publisher = publisher;
        _time = time;
        _logger = logger;
        _bids = bids;
        _impressions = impressions;
        _losses = losses;
        _refreshedTicks = time.GetTimestamp();
    }

    /// <summary>Set once the loop exists (offsets are stored through it).</summary>
    public ConsumeLoop<string, byte[]>? Loop { get; set; }

    public long BadEvents { get; private set; }

    public override void OnMessage(ConsumeResult<string, byte[]> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _messagesSinceTick++;
        _next[result.TopicPartition] = result.Offset + 1;
        var message = result.Message;
        try
        {
            if (result.Topic == _bids)
            {
                BidEventBatch.SplitMessage(message.Key, message.Value, _batch);
                foreach (var e in _batch)
                {
                    // Only first-price bids are learned: the others move the clock on, unread.
                    if (BidEventPeek.TryRead(e.Event, out var auctionType, out var timeUnixMs) && auctionType != 1)
                    {
                        _join.Advance(timeUnixMs);
                        continue;
                    }

                    _join.Bid(EventSerializer.Deserialize<BidEvent>(e.Event));
                }
            }
            else if (result.Topic == _impressions)
            {
                _join.Won(EventSerializer.Deserialize<ImpressionEvent>(message.Value));
            }
            else if (result.Topic == _losses)
            {
                _join.Lost(EventSerializer.Deserialize<LossEvent>(message.Value));
            }
        }
        catch (Exception e) when (e is EventFormatException or InvalidOperationException)
        {
            BadEvents++;
            WinRateLog.BadEvent(_logger, result.Topic, e.Message);
        }
    }

    public override void OnTick()
    {
        if (_messagesSinceTick == 0)
        {
            _join.Advance(_time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        _messagesSinceTick = 0;
        if (_publisher.Decide(_join) is not null)
        {
            Loop?.Store(_next.Select(p => new TopicPartitionOffset(p.Key, p.Value)));
        }

        if (_time.GetElapsedTime(_refreshedTicks) >= s_refreshEvery)
        {
            _refreshedTicks = _time.GetTimestamp();
            _publisher.Refresh(_join, force: false);
        }
    }
}
