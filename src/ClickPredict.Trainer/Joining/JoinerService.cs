using System.Collections.Concurrent;
using ClickPredict.Core.Events;
using ClickPredict.Kafka;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using ClickPredict.Trainer.Options;
using Confluent.Kafka;
using MessagePack;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// The joiner: a consumer group over the bids, impressions and clicks topics that joins the events of
/// each auction by bid id and emits one <see cref="LabeledExample"/> per won bid to the examples topic,
/// keyed by bid id, exactly once across crashes and restarts.
/// </summary>
/// <remarks>
/// <para><b>Partitions.</b> All event topics are keyed by bid id with the same partitioner and partition
/// count, so the bid, win notice and clicks of an auction sit in partition <c>p</c> of their topics.
/// The group uses the range assignor, which hands partition <c>p</c> of every topic to the same member;
/// the joiner keeps one <see cref="PartitionJoin"/> per partition number, created when the partition
/// is assigned and checkpointed and dropped when it is revoked. The example of an auction of partition
/// <c>p</c> goes to partition <c>p</c> of the examples topic, which only that partition's owner writes.</para>
/// <para><b>Time.</b> Windows are in event time. A partition's watermark is the earliest "latest event
/// time" among its inputs that still have unread messages (a lagging input holds the clock back, so
/// reading one topic ahead of another does not time auctions out early); once every input is caught up it
/// is the latest event time of any, and after <c>IdleAdvanceMs</c> without new events it moves on with the
/// wall clock.</para>
/// <para><b>Exactly once.</b> Every <c>CheckpointIntervalMs</c> (and when partitions are revoked or the
/// service stops) the joiner waits until Kafka acknowledged every example it produced (an idempotent
/// producer, so its own retries never duplicate), then writes each partition's
/// <see cref="JoinCheckpoint"/>: pending auctions, recently finished bid ids, the next offset of each
/// input and the examples partition's end as of that moment; only then does it store the input offsets
/// for the group's commit. After a crash the next owner of <c>p</c> loads the checkpoint, reads the
/// examples partition from the checkpoint's end offset to its current end and marks every bid id found
/// there as already emitted (a partition that comes back to a joiner which held it before first waits
/// until its examples still in the producer are acknowledged, so the scan sees them), then resumes the
/// inputs at the checkpoint's offsets. Events replayed from there rebuild exactly the auctions not yet
/// emitted; those already emitted are recognised and dropped as duplicates. Nothing is lost (nothing uncheckpointed was committed) and nothing is emitted twice
/// (everything emitted after the checkpoint is found by the scan). See docs/TRAINER.md.</para>
/// </remarks>
internal sealed class JoinerService : TrainerLoop
{
    private const int TickMs = 50;

    private readonly KafkaClientFactory _clients;
    private readonly TrainerOptions _options;
    private readonly JoinWindows _windows;
    private readonly string _directory;
    private readonly TrainerMetrics _metrics;
    private readonly TrainerStatus _status;
    private readonly ILogger _logger;
    private readonly string[] _topics;
    private readonly string _examplesTopic;
    private readonly Dictionary<string, JoinTopic> _topicIndex;
    private readonly Dictionary<int, PartitionJoin> _states = [];
    private readonly ConcurrentDictionary<int, OutputPartition> _outputs = new();
    private readonly List<JoinedAuction> _finished = [];
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivery;
    private IProducer<string, byte[]>? _producer;
    private IConsumer<string, byte[]>? _consumer;
    private volatile Error? _deliveryError;
    private CancellationToken _stopping;
    private long _lastTick;
    private long _lastCheckpoint;
    private long _lastDiagnostics;

    public JoinerService(
        KafkaClientFactory clients,
        IOptions<TrainerOptions> options,
        TrainerPaths paths,
        TrainerMetrics metrics,
        TrainerStatus status,
        ILogger<JoinerService> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _clients = clients;
        _options = options.Value;
        _windows = JoinWindows.From(_options.Joiner);
        _directory = Path.Combine(paths.Resolve(_options.StateDirectory), "joiner");
        _metrics = metrics;
        _status = status;
        _logger = logger;
        var topics = clients.Options.Topics;
        _topics = [topics.Bids, topics.Impressions, topics.Clicks];
        _examplesTopic = topics.Examples;
        _topicIndex = new Dictionary<string, JoinTopic>(StringComparer.Ordinal)
        {
            [topics.Bids] = JoinTopic.Bids,
            [topics.Impressions] = JoinTopic.Impressions,
            [topics.Clicks] = JoinTopic.Clicks,
        };
        _onDelivery = OnDelivery;
    }

    /// <summary>Partitions held now (for tests and the status page).</summary>
    public IReadOnlyCollection<int> Partitions => _states.Keys;

    protected override bool Enabled => _options.Joiner.Enabled;

    protected override void Starting() => _status.JoinerRunning = true;

    protected override void Run(CancellationToken token)
    {
        Directory.CreateDirectory(_directory);
        _stopping = token;
        try
        {
            _producer = BuildProducer();
            _consumer = BuildConsumer();
            _consumer.Subscribe(_topics);
            while (!token.IsCancellationRequested)
            {
                if (_deliveryError is { } failed)
                {
                    throw new KafkaException(failed);
                }

                ConsumeResult<string, byte[]>? result = null;
                try
                {
                    result = _consumer.Consume(TickMs);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    Log.JoinerConsumeError(_logger, e.Error.Code, e.Error.Reason);
                }

                if (result is not null && !result.IsPartitionEOF)
                {
                    Handle(result);
                }

                Tick(force: false, token);
            }

            if (Graceful)
            {
                var count = _states.Count;
                Tick(force: true, CancellationToken.None);
                _consumer.Close();
                Log.JoinerStopped(_logger, count);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped while waiting for the producer's queue: nothing uncheckpointed is committed.
        }
        catch (Exception e) when (e is KafkaException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            _status.Failure = "joiner: " + e.Message;
            Log.JoinerFailed(_logger, e.Message, e);
            throw;
        }
        finally
        {
            _status.JoinerRunning = false;
            _status.JoinerPartitions = 0;
            // Without a graceful stop this is the crash path: no close, no commit, no flush.
            _consumer?.Dispose();
            _producer?.Dispose();
        }
    }

    private IProducer<string, byte[]> BuildProducer()
    {
        var config = _clients.CreateProducerConfig();
        // Examples must not be dropped or doubled: an idempotent producer (acks from all replicas, ordered
        // retries without duplicates) that retries until it succeeds; the loop waits when its queue is full.
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.MessageTimeoutMs = 0;
        config.Partitioner = Confluent.Kafka.Partitioner.Murmur2Random;
        return new ProducerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => LogLibrdkafka(message))
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    _deliveryError = error;
                }
            })
            .Build();
    }

    private IConsumer<string, byte[]> BuildConsumer()
    {
        var config = _clients.CreateConsumerConfig(_options.Joiner.GroupId);
        // Range hands partition p of every subscribed topic to the same member: the co-partitioning the join needs.
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        // Only the topic name: no headers or timestamps marshalled (and allocated) per message.
        config.ConsumeResultFields = "topic";
        return new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => LogLibrdkafka(message))
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler(OnRevoked)
            .SetPartitionsLostHandler(OnLost)
            .SetErrorHandler((_, error) =>
            {
                if (!error.IsFatal)
                {
                    return;
                }

                _deliveryError = error;
            })
            .Build();
    }

    private void Handle(ConsumeResult<string, byte[]> result)
    {
        var partition = result.Partition.Value;
        if (!_topicIndex.TryGetValue(result.Topic, out var topic) || !_states.TryGetValue(partition, out var state))
        {
            return;
        }

        state.NextOffsets[(int)topic] = result.Offset.Value + 1;
        state.LastArrivalTicks = Environment.TickCount64;
        var key = result.Message.Key;
        var value = result.Message.Value;
        JoinResult outcome;
        try
        {
            if (string.IsNullOrEmpty(key) || value is null)
            {
                throw new EventFormatException("no key (bid id) or no value");
            }

            outcome = topic switch
            {
                JoinTopic.Bids => state.OnBid(key, value, ReadBidTime(value)),
                JoinTopic.Impressions => state.OnImpression(Checked(EventSerializer.Deserialize<ImpressionEvent>(value), key)),
                _ => state.OnClick(key, Checked(EventSerializer.Deserialize<ClickEvent>(value), key).TimeUnixMs),
            };
        }
        catch (EventFormatException e)
        {
            outcome = JoinResult.Malformed;
            Log.JoinerMalformed(_logger, result.Topic, partition, result.Offset.Value, e.Message);
        }

        // Counted here and added to the metric once a tick: a tagged counter per event costs more than the join.
        _eventTally[((int)topic * ResultCount) + (int)outcome]++;
    }

    private const int ResultCount = (int)JoinResult.Malformed + 1;

    // Events per (input topic, outcome) and examples per label since the last tick's flush.
    private readonly long[] _eventTally = new long[3 * ResultCount];
    private readonly long[] _exampleTally = new long[2];

    private void FlushTallies()
    {
        for (var i = 0; i < _eventTally.Length; i++)
        {
            if (_eventTally[i] > 0)
            {
                _metrics.JoinerEvents(_topics[i / ResultCount], (JoinResult)(i % ResultCount), _eventTally[i]);
                _eventTally[i] = 0;
            }
        }

        for (var label = 0; label < 2; label++)
        {
            _metrics.Examples(clicked: label == 1, _exampleTally[label]);
            _exampleTally[label] = 0;
        }
    }

    private void Tick(bool force, CancellationToken token)
    {
        var now = Environment.TickCount64;
        if (!force && now - _lastTick < TickMs)
        {
            return;
        }

        var elapsed = _lastTick == 0 ? 0 : now - _lastTick;
        _lastTick = now;
        long pending = 0;
        foreach (var state in _states.Values)
        {
            var watermark = Watermark(state, now, elapsed);
            _finished.Clear();
            state.Advance(watermark, _finished);
            foreach (var auction in _finished)
            {
                Finish(state, auction, token);
            }

            pending += state.PendingCount;
        }

        _metrics.Pending(pending);
        _status.JoinerPending = pending;
        FlushTallies();
        if (_logger.IsEnabled(LogLevel.Debug) && now - _lastDiagnostics >= 5000)
        {
            _lastDiagnostics = now;
            foreach (var state in _states.Values)
            {
#pragma warning disable CA1873 // Guarded by IsEnabled above; once every 5 s.
                Log.JoinerPartitionState(_logger, state.Partition, string.Join('/', state.NextOffsets), string.Join('/', Enumerable.Range(0, 3).Select(t => _consumer!.GetWatermarkOffsets(new TopicPartition(_topics[t], state.Partition)).High.Value)), state.WatermarkMs, string.Join('/', state.MaxEventMs), state.PendingCount);
#pragma warning restore CA1873
            }
        }
        if (force || now - _lastCheckpoint >= _options.Joiner.CheckpointIntervalMs)
        {
            _lastCheckpoint = now;
            Checkpoint(_states.Values.ToList(), force, commit: false);
        }
    }

    /// <summary>The partition's event clock now (see the class remarks).</summary>
    private long Watermark(PartitionJoin state, long now, long elapsedMs)
    {
        var caughtUp = true;
        long lagging = long.MaxValue, latest = long.MinValue;
        for (var t = 0; t < 3; t++)
        {
            var max = state.MaxEventMs[t];
            latest = Math.Max(latest, max);
            if (!CaughtUp(state, t))
            {
                caughtUp = false;
                lagging = Math.Min(lagging, max);
            }
        }

        var watermark = caughtUp ? latest : lagging;
        var idleFor = now - state.LastArrivalTicks;
        if (caughtUp && _options.Joiner.IdleAdvanceMs > 0 && idleFor >= _options.Joiner.IdleAdvanceMs && state.WatermarkMs != long.MinValue)
        {
            watermark = Math.Max(watermark, state.WatermarkMs + elapsedMs);
        }

        return watermark;
    }

    private bool CaughtUp(PartitionJoin state, int topic)
    {
        var tp = new TopicPartition(_topics[topic], state.Partition);
        var marks = _consumer!.GetWatermarkOffsets(tp);
        if (marks.High.IsSpecial)
        {
            return false;
        }

        var next = state.NextOffsets[topic];
        if (next < 0)
        {
            var position = _consumer.Position(tp);
            next = position.IsSpecial ? (marks.Low.IsSpecial ? -1 : marks.Low.Value) : position.Value;
        }

        return next >= marks.High.Value;
    }

    private void Finish(PartitionJoin state, JoinedAuction auction, CancellationToken token)
    {
        switch (auction.End)
        {
            case AuctionEnd.NotWon:
                _metrics.Unmatched("not_won");
                _metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                return;
            case AuctionEnd.ImpressionWithoutBid:
                _metrics.Unmatched("impression_without_bid");
                _metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                return;
            case AuctionEnd.ClickWithoutImpression:
                _metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                return;
        }

        _metrics.Unmatched("click_after_window", auction.ClicksOutsideWindow);
        byte[] example;
        try
        {
            // The bid's fields are copied into the example as the bidder encoded them (no decode and re-encode).
            example = ExampleCodec.WriteExample(auction.BidId, auction.Bid!, auction.Impression!.TimeUnixMs, auction.ClickTimeUnixMs);
        }
        catch (EventFormatException e)
        {
            Log.JoinerMalformed(_logger, _topics[0], state.Partition, -1, e.Message);
            _metrics.Unmatched("malformed_bid");
            return;
        }

        Produce(state, auction.BidId, example, token);
        _exampleTally[auction.ClickTimeUnixMs is not null ? 1 : 0]++;
        _status.Emitted();
    }

    private void Produce(PartitionJoin state, string key, byte[] value, CancellationToken token)
    {
        var output = _outputs[state.Partition];
        var target = new TopicPartition(_examplesTopic, state.Partition);
        var message = new Message<string, byte[]> { Key = key, Value = value };
        while (true)
        {
            try
            {
                Interlocked.Increment(ref output.Unacknowledged);
                _producer!.Produce(target, message, _onDelivery);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Interlocked.Decrement(ref output.Unacknowledged);
                if (token.IsCancellationRequested)
                {
                    // The example never left: this partition's state must not be checkpointed as if it had.
                    state.Tainted = true;
                    token.ThrowIfCancellationRequested();
                }

                // Back-pressure: wait for deliveries to make room.
                _producer!.Flush(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException)
            {
                Interlocked.Decrement(ref output.Unacknowledged);
                state.Tainted = true;
                throw;
            }
        }
    }

    // Runs on the producer's poll thread.
    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (!_outputs.TryGetValue(report.Partition.Value, out var output))
        {
            return;
        }

        if (report.Error.IsError)
        {
            // With infinite retries only a fatal error gets here: the loop stops; the checkpoint keeps these unacknowledged.
            _deliveryError = report.Error;
            return;
        }

        var next = report.Offset.Value + 1;
        long seen;
        while ((seen = Interlocked.Read(ref output.NextOffset)) < next && Interlocked.CompareExchange(ref output.NextOffset, next, seen) != seen)
        {
        }

        Interlocked.Decrement(ref output.Unacknowledged);
    }

    /// <summary>Checkpoints <paramref name="states"/> whose examples are all acknowledged, then stores (or commits) their input offsets.</summary>
    private void Checkpoint(List<PartitionJoin> states, bool force, bool commit)
    {
        var due = states.Where(s => s.Dirty || force).ToList();
        if (due.Count == 0)
        {
            return;
        }

        if (due.Any(s => Interlocked.Read(ref _outputs[s.Partition].Unacknowledged) > 0))
        {
            _producer!.Flush(TimeSpan.FromMilliseconds(_clients.Options.Producer.FlushTimeoutMs));
        }

        var offsets = new List<TopicPartitionOffset>();
        foreach (var state in due)
        {
            var output = _outputs[state.Partition];
            var unacknowledged = Interlocked.Read(ref output.Unacknowledged);
            if (state.Tainted || unacknowledged > 0)
            {
                _metrics.JoinerCheckpoint(written: false);
                Log.JoinerCheckpointDeferred(_logger, state.Partition, unacknowledged);
                continue;
            }

            state.ExamplesNextOffset = Math.Max(state.ExamplesNextOffset, Interlocked.Read(ref output.NextOffset));
            state.ToCheckpoint().Save(CheckpointPath(state.Partition));
            state.Dirty = false;
            _metrics.JoinerCheckpoint(written: true);
            for (var t = 0; t < 3; t++)
            {
                if (state.NextOffsets[t] >= 0)
                {
                    offsets.Add(new TopicPartitionOffset(_topics[t], state.Partition, state.NextOffsets[t]));
                }
            }
        }

        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            if (commit)
            {
                _consumer!.Commit(offsets);
            }
            else
            {
                foreach (var offset in offsets)
                {
                    _consumer!.StoreOffset(offset);
                }
            }
        }
        catch (KafkaException e)
        {
            // Not committed now: the checkpoint's offsets are what a restart resumes from anyway.
            Log.JoinerConsumeError(_logger, e.Error.Code, e.Error.Reason);
        }
    }

    private string CheckpointPath(int partition) => Path.Combine(_directory, $"p{partition}.join");

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<string, byte[]> consumer, List<TopicPartition> partitions)
    {
        var result = new List<TopicPartitionOffset>();
        foreach (var group in partitions.GroupBy(p => p.Partition.Value))
        {
            var partition = group.Key;
            if (group.Count() != _topics.Length)
            {
                Log.JoinerNotCoPartitioned(_logger, group.First().Topic, partition);
            }

            if (!_states.TryGetValue(partition, out var state))
            {
                state = Restore(partition);
                _states[partition] = state;
            }

            foreach (var tp in group)
            {
                var next = _topicIndex.TryGetValue(tp.Topic, out var t) ? state.NextOffsets[(int)t] : -1;
                result.Add(new TopicPartitionOffset(tp, next >= 0 ? new Offset(next) : Offset.Unset));
            }
        }

        _status.JoinerPartitions = _states.Count;
        return result;
    }

    private void OnRevoked(IConsumer<string, byte[]> consumer, List<TopicPartitionOffset> partitions)
    {
        var numbers = partitions.Select(p => p.Partition.Value).Distinct().ToList();
        var states = numbers.Where(_states.ContainsKey).Select(n => _states[n]).ToList();
        Checkpoint(states, force: true, commit: true);
        foreach (var number in numbers)
        {
            Drop(number, "revoked");
        }
    }

    private void OnLost(IConsumer<string, byte[]> consumer, List<TopicPartitionOffset> partitions)
    {
        // Another member may own these already: no checkpoint, no commit.
        foreach (var number in partitions.Select(p => p.Partition.Value).Distinct())
        {
            Drop(number, "lost");
        }
    }

    private void Drop(int partition, string reason)
    {
        // The partition's output book-keeping (_outputs) stays: the producer may still hold examples of
        // it, and if the partition comes back, Restore must wait for them before it scans.
        if (_states.Remove(partition))
        {
            Log.JoinerRevoked(_logger, partition, reason);
        }

        _status.JoinerPartitions = _states.Count;
    }

    /// <summary>Loads partition <paramref name="partition"/>'s checkpoint and marks what was emitted after it.</summary>
    private PartitionJoin Restore(int partition)
    {
        JoinCheckpoint? checkpoint;
        try
        {
            checkpoint = JoinCheckpoint.Load(CheckpointPath(partition));
        }
        catch (InvalidDataException e)
        {
            // Start over from the group's committed offsets; the scan below still prevents duplicates.
            Log.JoinerFailed(_logger, e.Message + "; starting the partition without it", e);
            checkpoint = null;
        }

        var state = new PartitionJoin(partition, _windows, checkpoint);
        var output = _outputs.GetOrAdd(partition, _ => new OutputPartition());
        AwaitDelivered(partition, output);
        var (emitted, end) = ScanExamples(partition, checkpoint?.ExamplesNextOffset ?? -1);
        var recovered = 0;
        foreach (var bidId in emitted)
        {
            state.MarkEmitted(bidId);
            recovered++;
        }

        state.ExamplesNextOffset = end;
        Interlocked.Exchange(ref output.NextOffset, end);
        Log.JoinerAssigned(_logger, partition, state.NextOffsets[0], state.NextOffsets[1], state.NextOffsets[2], state.PendingCount, recovered);
        return state;
    }

    /// <summary>
    /// Waits until the producer has no example of <paramref name="partition"/> left unacknowledged: ones
    /// handed to it while this process held the partition before (it was revoked, or lost when the
    /// group session timed out during a broker outage) and still in its queue or in flight. The
    /// checkpoint being restored predates them, so the recovery scan must find them in the topic; were
    /// they delivered after the scan, replay would emit them a second time. The idempotent producer
    /// retries without a deadline: this waits as long (through an outage), until a fatal error or a stop.
    /// </summary>
    private void AwaitDelivered(int partition, OutputPartition output)
    {
        var unacknowledged = Interlocked.Read(ref output.Unacknowledged);
        if (unacknowledged <= 0)
        {
            return;
        }

        Log.JoinerAwaitingDelivery(_logger, partition, unacknowledged);
        while (Interlocked.Read(ref output.Unacknowledged) > 0)
        {
            if (_deliveryError is { } failed)
            {
                throw new KafkaException(failed);
            }

            _stopping.ThrowIfCancellationRequested();
            _producer!.Flush(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>
    /// Reads the keys (bid ids) of examples partition <paramref name="partition"/> from
    /// <paramref name="from"/> (or, without a checkpoint, the newest <c>RecoveryScanLimit</c>) to its end.
    /// </summary>
    private (List<string> BidIds, long End) ScanExamples(int partition, long from)
    {
        var config = _clients.CreateConsumerConfig(_options.Joiner.GroupId + "-recovery");
        config.EnableAutoCommit = false;
        using var scanner = new ConsumerBuilder<string, Ignore>(config).SetLogHandler((_, message) => LogLibrdkafka(message)).Build();
        var tp = new TopicPartition(_examplesTopic, partition);
        var marks = scanner.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
        var start = from >= 0 ? Math.Max(from, marks.Low.Value) : Math.Max(marks.Low.Value, marks.High.Value - _options.Joiner.RecoveryScanLimit);
        var ids = new List<string>();
        if (start >= marks.High.Value)
        {
            return (ids, marks.High.Value);
        }

        scanner.Assign(new TopicPartitionOffset(tp, start));
        var deadline = Environment.TickCount64 + 60_000;
        var next = start;
        while (next < marks.High.Value)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"recovery scan of {_examplesTopic} partition {partition} did not reach offset {marks.High.Value}"));
            }

            var result = scanner.Consume(100);
            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            ids.Add(result.Message.Key);
            next = result.Offset.Value + 1;
        }

        scanner.Close();
        return (ids, marks.High.Value);
    }

    private void LogLibrdkafka(LogMessage message)
    {
        var level = (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging);
        if (_logger.IsEnabled(level))
        {
            Log.Librdkafka(_logger, level, message.Facility, message.Name, message.Message);
        }
    }

    private static T Checked<T>(T value, string key)
        where T : class
    {
        var id = value switch
        {
            ImpressionEvent i => i.BidId,
            ClickEvent c => c.BidId,
            _ => key,
        };
        return string.Equals(id, key, StringComparison.Ordinal) ? value : throw new EventFormatException($"the event's bid id '{id}' is not its key '{key}'");
    }

    /// <summary>Reads <see cref="BidEvent.TimeUnixMs"/> (key 3) without decoding the rest.</summary>
    private static long ReadBidTime(byte[] raw)
    {
        try
        {
            var reader = new MessagePackReader(raw);
            if (reader.ReadArrayHeader() < 4)
            {
                throw new EventFormatException("a bid event has fewer than 4 fields");
            }

            reader.Skip();
            reader.Skip();
            reader.Skip();
            return reader.ReadInt64();
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw new EventFormatException("not a valid BidEvent: " + e.Message, e);
        }
    }

    /// <summary>Delivery book-keeping of one examples partition (updated on the producer's thread).</summary>
    private sealed class OutputPartition
    {
        public long Unacknowledged;
        public long NextOffset = -1;
    }
}
