using ClickPredict.Core.Events;
using ClickPredict.Trainer.Diagnostics;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Joining;

internal sealed partial class JoinerService
{
    /// <summary>
    /// One member of the joiners' consumer group: a consumer of the three input topics on its own
    /// thread, the <see cref="PartitionJoin"/> of each partition the group gave it, and their checkpoints.
    /// The examples producer and the delivery book-keeping are the service's, shared by all members.
    /// </summary>
    private sealed class Member
    {
        private const int TickMs = 50;

        private readonly JoinerService _owner;
        private readonly Dictionary<int, PartitionJoin> _states = [];
        private readonly List<JoinedAuction> _finished = [];
        private IConsumer<string, byte[]>? _consumer;
        private CancellationToken _stopping;
        private long _lastTick;
        private long _lastCheckpoint;
        private long _lastDiagnostics;
        private volatile int _partitionCount;
        private long _pending;

        // The service's configuration, metrics, producer and delivery book-keeping are read through _owner
        // (a nested class sees its private fields): one copy of each, shared by every member.
        public Member(JoinerService owner) => _owner = owner;

        /// <summary>Partitions this member holds (read by <see cref="Report"/> on any member's thread).</summary>
        public int PartitionCount
        {
            get => _partitionCount;
            private set => _partitionCount = value;
        }

        /// <summary>Auctions pending in this member's partitions as of its last tick.</summary>
        public long Pending
        {
            get => Interlocked.Read(ref _pending);
            private set => Interlocked.Exchange(ref _pending, value);
        }

        /// <summary>Partitions checkpointed by the final tick of a graceful stop.</summary>
        public int Stopped { get; private set; }

        public void Run(CancellationToken token)
        {
            _stopping = token;
            try
            {
                _consumer = BuildConsumer();
                _consumer.Subscribe(_owner._topics);
                while (!token.IsCancellationRequested)
                {
                    if (_owner._deliveryError is { } failed)
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
                        Log.JoinerConsumeError(_owner._logger, e.Error.Code, e.Error.Reason);
                    }

                    if (result is not null && !result.IsPartitionEOF)
                    {
                        Handle(result);
                    }

                    Tick(force: false, token);
                }

                if (_owner.Graceful)
                {
                    Stopped = _states.Count;
                    Tick(force: true, CancellationToken.None);
                    _consumer.Close();
                }
            }
            finally
            {
                PartitionCount = 0;
                Pending = 0;
                // Without a graceful stop this is the crash path: no close, no commit.
                _consumer?.Dispose();
            }
        }

        private IConsumer<string, byte[]> BuildConsumer()
        {
            var config = _owner._clients.CreateConsumerConfig(_owner._options.Joiner.GroupId);
            // Range hands partition p of every subscribed topic to the same member: the co-partitioning the join needs.
            config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
            // Only the topic name: no headers or timestamps marshalled (and allocated) per message.
            config.ConsumeResultFields = "topic";
            return new ConsumerBuilder<string, byte[]>(config)
                .SetLogHandler((_, message) => _owner.LogLibrdkafka(message))
                .SetPartitionsAssignedHandler(OnAssigned)
                .SetPartitionsRevokedHandler(OnRevoked)
                .SetPartitionsLostHandler(OnLost)
                .SetErrorHandler((_, error) =>
                {
                    if (!error.IsFatal)
                    {
                        return;
                    }

                    _owner._deliveryError = error;
                })
                .Build();
        }

        private void Handle(ConsumeResult<string, byte[]> result)
        {
            var partition = result.Partition.Value;
            if (!_owner._topicIndex.TryGetValue(result.Topic, out var topic) || !_states.TryGetValue(partition, out var state))
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
                Log.JoinerMalformed(_owner._logger, result.Topic, partition, result.Offset.Value, e.Message);
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
                    _owner._metrics.JoinerEvents(_owner._topics[i / ResultCount], (JoinResult)(i % ResultCount), _eventTally[i]);
                    _eventTally[i] = 0;
                }
            }

            for (var label = 0; label < 2; label++)
            {
                _owner._metrics.Examples(clicked: label == 1, _exampleTally[label]);
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

            Pending = pending;
            _owner.Report();
            FlushTallies();
            if (_owner._logger.IsEnabled(LogLevel.Debug) && now - _lastDiagnostics >= 5000)
            {
                _lastDiagnostics = now;
                foreach (var state in _states.Values)
                {
    #pragma warning disable CA1873 // Guarded by IsEnabled above; once every 5 s.
                    Log.JoinerPartitionState(_owner._logger, state.Partition, string.Join('/', state.NextOffsets), string.Join('/', Enumerable.Range(0, 3).Select(t => _consumer!.GetWatermarkOffsets(new TopicPartition(_owner._topics[t], state.Partition)).High.Value)), state.WatermarkMs, string.Join('/', state.MaxEventMs), state.PendingCount);
    #pragma warning restore CA1873
                }
            }
            if (force || now - _lastCheckpoint >= _owner._options.Joiner.CheckpointIntervalMs)
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
            if (caughtUp && _owner._options.Joiner.IdleAdvanceMs > 0 && idleFor >= _owner._options.Joiner.IdleAdvanceMs && state.WatermarkMs != long.MinValue)
            {
                watermark = Math.Max(watermark, state.WatermarkMs + elapsedMs);
            }

            return watermark;
        }

        private bool CaughtUp(PartitionJoin state, int topic)
        {
            var tp = new TopicPartition(_owner._topics[topic], state.Partition);
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
                    _owner._metrics.Unmatched("not_won");
                    _owner._metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                    return;
                case AuctionEnd.ImpressionWithoutBid:
                    _owner._metrics.Unmatched("impression_without_bid");
                    _owner._metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                    return;
                case AuctionEnd.ClickWithoutImpression:
                    _owner._metrics.Unmatched("click_without_impression", auction.ClicksWithoutImpression);
                    return;
            }

            _owner._metrics.Unmatched("click_after_window", auction.ClicksOutsideWindow);
            byte[] example;
            try
            {
                // The bid's fields are copied into the example as the bidder encoded them (no decode and re-encode).
                example = ExampleCodec.WriteExample(auction.BidId, auction.Bid!, auction.Impression!.TimeUnixMs, auction.ClickTimeUnixMs);
            }
            catch (EventFormatException e)
            {
                Log.JoinerMalformed(_owner._logger, _owner._topics[0], state.Partition, -1, e.Message);
                _owner._metrics.Unmatched("malformed_bid");
                return;
            }

            Produce(state, auction.BidId, example, token);
            _exampleTally[auction.ClickTimeUnixMs is not null ? 1 : 0]++;
            _owner._status.Emitted();
        }

        private void Produce(PartitionJoin state, string key, byte[] value, CancellationToken token)
        {
            var output = _owner._outputs[state.Partition];
            var target = new TopicPartition(_owner._examplesTopic, state.Partition);
            var message = new Message<string, byte[]> { Key = key, Value = value };
            while (true)
            {
                try
                {
                    Interlocked.Increment(ref output.Unacknowledged);
                    _owner._producer!.Produce(target, message, _owner._onDelivery);
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
                    _owner._producer!.Flush(TimeSpan.FromMilliseconds(100));
                }
                catch (KafkaException)
                {
                    Interlocked.Decrement(ref output.Unacknowledged);
                    state.Tainted = true;
                    throw;
                }
            }
        }

        /// <summary>Checkpoints <paramref name="states"/> whose examples are all acknowledged, then stores (or commits) their input offsets.</summary>
        private void Checkpoint(List<PartitionJoin> states, bool force, bool commit)
        {
            var due = states.Where(s => s.Dirty || force).ToList();
            if (due.Count == 0)
            {
                return;
            }

            if (due.Any(s => Interlocked.Read(ref _owner._outputs[s.Partition].Unacknowledged) > 0))
            {
                _owner._producer!.Flush(TimeSpan.FromMilliseconds(_owner._clients.Options.Producer.FlushTimeoutMs));
            }

            var offsets = new List<TopicPartitionOffset>();
            foreach (var state in due)
            {
                var output = _owner._outputs[state.Partition];
                var unacknowledged = Interlocked.Read(ref output.Unacknowledged);
                if (state.Tainted || unacknowledged > 0)
                {
                    _owner._metrics.JoinerCheckpoint(written: false);
                    Log.JoinerCheckpointDeferred(_owner._logger, state.Partition, unacknowledged);
                    continue;
                }

                state.ExamplesNextOffset = Math.Max(state.ExamplesNextOffset, Interlocked.Read(ref output.NextOffset));
                state.ToCheckpoint().Save(CheckpointPath(state.Partition));
                state.Dirty = false;
                _owner._metrics.JoinerCheckpoint(written: true);
                for (var t = 0; t < 3; t++)
                {
                    if (state.NextOffsets[t] >= 0)
                    {
                        offsets.Add(new TopicPartitionOffset(_owner._topics[t], state.Partition, state.NextOffsets[t]));
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
                // Not committed now (e.g. a rebalance began as another member left): the checkpoint's
                // offsets are what the partition's next owner resumes from anyway.
                var partitions = offsets.Select(o => o.Partition.Value).Distinct().Count();
                Log.JoinerCommitSkipped(_owner._logger, partitions, e.Error.Code, e.Error.Reason);
            }
        }

        private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<string, byte[]> consumer, List<TopicPartition> partitions)
        {
            var result = new List<TopicPartitionOffset>();
            foreach (var group in partitions.GroupBy(p => p.Partition.Value))
            {
                var partition = group.Key;
                if (group.Count() != _owner._topics.Length)
                {
                    Log.JoinerNotCoPartitioned(_owner._logger, group.First().Topic, partition);
                }

                if (!_states.TryGetValue(partition, out var state))
                {
                    state = Restore(partition);
                    _states[partition] = state;
                }

                foreach (var tp in group)
                {
                    var next = _owner._topicIndex.TryGetValue(tp.Topic, out var t) ? state.NextOffsets[(int)t] : -1;
                    result.Add(new TopicPartitionOffset(tp, next >= 0 ? new Offset(next) : Offset.Unset));
                }
            }

            PartitionCount = _states.Count;
            _owner.Report();
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
            // The partition's output book-keeping (_owner._outputs) stays: the producer may still hold examples of
            // it, and if the partition comes back, Restore must wait for them before it scans.
            if (_states.Remove(partition))
            {
                Log.JoinerRevoked(_owner._logger, partition, reason);
            }

            PartitionCount = _states.Count;
            _owner.Report();
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
                Log.JoinerFailed(_owner._logger, e.Message + "; starting the partition without it", e);
                checkpoint = null;
            }

            var state = new PartitionJoin(partition, _owner._windows, checkpoint);
            var output = _owner._outputs.GetOrAdd(partition, _ => new OutputPartition());
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
            Log.JoinerAssigned(_owner._logger, partition, state.NextOffsets[0], state.NextOffsets[1], state.NextOffsets[2], state.PendingCount, recovered);
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

            Log.JoinerAwaitingDelivery(_owner._logger, partition, unacknowledged);
            while (Interlocked.Read(ref output.Unacknowledged) > 0)
            {
                if (_owner._deliveryError is { } failed)
                {
                    throw new KafkaException(failed);
                }

                _stopping.ThrowIfCancellationRequested();
                _owner._producer!.Flush(TimeSpan.FromMilliseconds(100));
            }
        }

        /// <summary>
        /// Reads the keys (bid ids) of examples partition <paramref name="partition"/> from
        /// <paramref name="from"/> (or, without a checkpoint, the newest <c>RecoveryScanLimit</c>) to its end.
        /// </summary>
        private (List<string> BidIds, long End) ScanExamples(int partition, long from)
        {
            var config = _owner._clients.CreateConsumerConfig(_owner._options.Joiner.GroupId + "-recovery");
            config.EnableAutoCommit = false;
            using var scanner = new ConsumerBuilder<string, Ignore>(config).SetLogHandler((_, message) => _owner.LogLibrdkafka(message)).Build();
            var tp = new TopicPartition(_owner._examplesTopic, partition);
            var marks = scanner.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
            var start = from >= 0 ? Math.Max(from, marks.Low.Value) : Math.Max(marks.Low.Value, marks.High.Value - _owner._options.Joiner.RecoveryScanLimit);
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
                    throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"recovery scan of {_owner._examplesTopic} partition {partition} did not reach offset {marks.High.Value}"));
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

        private string CheckpointPath(int partition) => Path.Combine(_owner._directory, $"p{partition}.join");
    }
}
