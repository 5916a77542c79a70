using ClickPredict.Core.Events;
using ClickPredict.Kafka.Consuming;
using ClickPredict.Trainer.Diagnostics;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// One member of the joiners' consumer group: a consumer of the three input topics on its own thread
/// (a <see cref="ConsumeLoop{TKey, TValue}"/>), the <see cref="PartitionJoin"/> of each partition the
/// group gave it, and their checkpoints (<see cref="JoinerMember"/>'s other part). It owns its state;
/// what members share (configuration, the examples output, metrics, status) comes in its
/// <see cref="JoinerContext"/>.
/// </summary>
internal sealed partial class JoinerMember : ConsumeHandler<string, byte[]>, IDisposable
{
    private const int TickMs = 50;
    private const int ResultCount = (int)JoinResult.Malformed + 1;

    private readonly JoinerContext _context;
    private readonly int _number;
    private readonly Dictionary<int, PartitionJoin> _states = [];
    private readonly List<JoinedAuction> _finished = [];
    // Events per (input topic, outcome) and examples per label since the last tick's flush: a tagged
    // counter per event costs more than the join.
    private readonly long[] _eventTally = new long[3 * ResultCount];
    private readonly long[] _exampleTally = new long[2];
    private readonly List<BatchedBidEvent> _batch = [];
    private ConsumeLoop<string, byte[]>? _loop;
    private CancellationToken _stopping;
    private long _lastTick;
    private long _lastCheckpoint;
    private long _lastDiagnostics;
    private long _seenOutages;
    private long _outages;
    private long _seenUnreachableSince;
    private long _lastTroubleMs = long.MinValue;

    public JoinerMember(JoinerContext context, int number)
    {
        _context = context;
        _number = number;
    }

    /// <summary>Partitions checkpointed by the final tick of a graceful stop.</summary>
    public int Stopped { get; private set; }

    /// <summary>Times this member's consumer lost the broker.</summary>
    public long Outages => Volatile.Read(ref _outages);

    /// <summary>
    /// Consumes until <paramref name="token"/> fires; then, when <paramref name="graceful"/> says so, checkpoints
    /// every partition and leaves the group. Otherwise (a crash, or another member failed) it leaves no trace.
    /// </summary>
    public void Run(Func<bool> graceful, CancellationToken token)
    {
        _stopping = token;
        var config = _context.Clients.CreateConsumerConfig(_context.Options.GroupId);
        // Range hands partition p of every subscribed topic to the same member: the co-partitioning the join needs.
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        // Only the topic name: no headers or timestamps marshalled (and allocated) per message.
        config.ConsumeResultFields = "topic";
        try
        {
            _loop = new ConsumeLoop<string, byte[]>(config, this, _context.Logger, $"joiner member {_number}", TickMs);
            _loop.Consumer.Subscribe(_context.Topics.Names);
            _loop.Run(token);
            if (graceful())
            {
                Stopped = _states.Count;
                _loop.Close();
            }
        }
        finally
        {
            _context.Status.SetJoinerMember(_number, 0, 0);
            Dispose();
        }
    }

    /// <summary>Disposes the consumer (after <see cref="Run"/> it is gone already).</summary>
    public void Dispose()
    {
        var loop = Interlocked.Exchange(ref _loop, null);
        loop?.Dispose();
    }

    public override void OnMessage(ConsumeResult<string, byte[]> result)
    {
        var partition = result.Partition.Value;
        if (!_context.Topics.TryFind(result.Topic, out var topic) || !_states.TryGetValue(partition, out var state))
        {
            return;
        }

        state.NextOffsets[(int)topic] = result.Offset.Value + 1;
        state.LastArrivalMs = _context.NowMs();
        if (topic == JoinTopic.Bids && result.Message.Value is { } value && BidEventBatch.IsBatch(value))
        {
            OnBidBatch(state, result, value);
            return;
        }

        Apply(state, topic, result, result.Message.Key, result.Message.Value);
    }

    /// <summary>
    /// A bidder's batch of bid events (docs/TRAINER.md): each is joined as if it were a message of its own keyed
    /// by its bid id. They all belong to this partition (the bidder groups them by their key's partition), and
    /// the batch is one offset, so a checkpoint covers all of them or none.
    /// </summary>
    private void OnBidBatch(PartitionJoin state, ConsumeResult<string, byte[]> result, byte[] batch)
    {
        try
        {
            BidEventBatch.Split(batch, _batch);
        }
        catch (EventFormatException e)
        {
            Log.JoinerMalformed(_context.Logger, result.Topic, state.Partition, result.Offset.Value, e.Message);
            _eventTally[((int)JoinTopic.Bids * ResultCount) + (int)JoinResult.Malformed]++;
            return;
        }

        foreach (var e in _batch)
        {
            // The auction keeps its bid's bytes until it finishes: a copy, not a slice of the whole batch.
            Apply(state, JoinTopic.Bids, result, e.BidId, e.Event.ToArray());
        }

        _batch.Clear();
    }

    private void Apply(PartitionJoin state, JoinTopic topic, ConsumeResult<string, byte[]> result, string? key, byte[]? value)
    {
        JoinResult outcome;
        try
        {
            outcome = JoinEvents.Apply(state, topic, key, value);
        }
        catch (EventFormatException e)
        {
            outcome = JoinResult.Malformed;
            Log.JoinerMalformed(_context.Logger, result.Topic, state.Partition, result.Offset.Value, e.Message);
        }

        _eventTally[((int)topic * ResultCount) + (int)outcome]++;
    }

    public override void OnTick()
    {
        _context.Output.ThrowIfFailed();
        Tick(force: false, _stopping);
    }

    public override void OnStopping() => Tick(force: true, CancellationToken.None);

    private void Tick(bool force, CancellationToken token)
    {
        var now = _context.NowMs();
        if (!force && now - _lastTick < TickMs)
        {
            return;
        }

        var elapsed = _lastTick == 0 ? 0 : now - _lastTick;
        _lastTick = now;
        var afterOutage = AfterOutage(now);
        long pending = 0;
        foreach (var state in _states.Values)
        {
            var watermark = JoinClock.Watermark(state, _loop!.Consumer, _context.Topics, _context.Options.IdleAdvanceMs, now, elapsed, afterOutage);
            _finished.Clear();
            state.Advance(watermark, _finished);
            foreach (var auction in _finished)
            {
                Finish(state, auction, token);
            }

            pending += state.PendingCount;
        }

        _context.Status.SetJoinerMember(_number, _states.Count, pending);
        _context.Status.JoinerTicked();
        _context.Metrics.Pending(_context.Status.JoinerPending);
        FlushTallies();
        if (_context.Logger.IsEnabled(LogLevel.Debug) && now - _lastDiagnostics >= 5000)
        {
            _lastDiagnostics = now;
            foreach (var state in _states.Values)
            {
                JoinClock.LogState(_context.Logger, state, _loop!.Consumer, _context.Topics);
            }
        }

        if (force || now - _lastCheckpoint >= _context.Options.CheckpointIntervalMs)
        {
            _lastCheckpoint = now;
            Checkpoint([.. _states.Values], force, commit: false);
        }
    }

    /// <summary>
    /// Whether less than <c>OutageHoldMs</c> passed since the consumer's last transport error (a broker
    /// outage): the bidders may still hold the outage's events, or be delivering them one topic ahead of
    /// another, so the partitions' clocks keep to what every input has shown (see <see cref="JoinClock"/>).
    /// </summary>
    private bool AfterOutage(long now)
    {
        var loop = _loop!;
        var outages = loop.Outages;
        var since = loop.UnreachableSinceTicks;
        if (outages != _seenOutages || since != _seenUnreachableSince)
        {
            _seenOutages = outages;
            Volatile.Write(ref _outages, outages);
            _seenUnreachableSince = since;
            _lastTroubleMs = now;
        }

        return _lastTroubleMs != long.MinValue && now - _lastTroubleMs < _context.Options.OutageHoldMs;
    }

    private void FlushTallies()
    {
        for (var i = 0; i < _eventTally.Length; i++)
        {
            if (_eventTally[i] > 0)
            {
                _context.Metrics.JoinerEvents(_context.Topics.Names[i / ResultCount], (JoinResult)(i % ResultCount), _eventTally[i]);
                _eventTally[i] = 0;
            }
        }

        for (var label = 0; label < 2; label++)
        {
            _context.Metrics.Examples(clicked: label == 1, _exampleTally[label]);
            _exampleTally[label] = 0;
        }
    }

    private void Finish(PartitionJoin state, JoinedAuction auction, CancellationToken token)
    {
        var metrics = _context.Metrics;
        switch (auction.End)
        {
            case AuctionEnd.NotWon:
                metrics.Unmatched("not_won");
                metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                return;
            case AuctionEnd.ImpressionWithoutBid:
                metrics.Unmatched("impression_without_bid");
                metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                return;
            case AuctionEnd.ClickWithoutImpression:
                metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                return;
        }

        metrics.Unmatched("click_after_window", auction.ClicksOutsideWindow);
        byte[] example;
        try
        {
            // The bid's fields are copied into the example as the bidder encoded them (no decode and re-encode).
            example = ExampleCodec.WriteExample(auction.BidId, auction.Bid!, auction.Impression!.TimeUnixMs, auction.ClickTimeUnixMs);
        }
        catch (EventFormatException e)
        {
            Log.JoinerMalformed(_context.Logger, _context.Topics[JoinTopic.Bids], state.Partition, -1, e.Message);
            metrics.Unmatched("malformed_bid");
            return;
        }

        bool handed;
        try
        {
            handed = _context.Output.Produce(state.Partition, auction.BidId, example, token);
        }
        catch (KafkaException)
        {
            state.Tainted = true;
            throw;
        }

        if (!handed)
        {
            // The example never left: this partition's state must not be checkpointed as if it had.
            state.Tainted = true;
            token.ThrowIfCancellationRequested();
        }

        _exampleTally[auction.ClickTimeUnixMs is not null ? 1 : 0]++;
        _context.Status.Emitted();
    }
}
