using ClickPredict.Kafka;
using ClickPredict.Trainer.Diagnostics;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Joining;

/// <summary>The member's partitions: taken on (restored from a checkpoint and a recovery scan), checkpointed, given up.</summary>
internal sealed partial class JoinerMember
{
    public override IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        var result = new List<TopicPartitionOffset>();
        foreach (var group in partitions.GroupBy(p => p.Partition.Value))
        {
            var partition = group.Key;
            if (group.Count() != _context.Topics.Names.Count)
            {
                Log.JoinerNotCoPartitioned(_context.Logger, group.First().Topic, partition);
            }

            if (!_states.TryGetValue(partition, out var state))
            {
                state = Restore(partition);
                _states[partition] = state;
            }

            foreach (var tp in group)
            {
                var next = _context.Topics.TryFind(tp.Topic, out var t) ? state.NextOffsets[(int)t] : -1;
                result.Add(new TopicPartitionOffset(tp, next >= 0 ? new Offset(next) : Offset.Unset));
            }
        }

        ReportPartitions();
        return result;
    }

    public override void OnRevoked(List<TopicPartitionOffset> partitions)
    {
        var numbers = partitions.Select(p => p.Partition.Value).Distinct().ToList();
        Checkpoint([.. numbers.Where(_states.ContainsKey).Select(n => _states[n])], force: true, commit: true);
        foreach (var number in numbers)
        {
            Drop(number, "revoked");
        }
    }

    public override void OnLost(List<TopicPartitionOffset> partitions)
    {
        // Another member may own these already: no checkpoint, no commit.
        foreach (var number in partitions.Select(p => p.Partition.Value).Distinct())
        {
            Drop(number, "lost");
        }
    }

    private void Drop(int partition, string reason)
    {
        // The partition's delivery book-keeping (in the shared output) stays: the producer may still hold
        // examples of it, and if the partition comes back, Restore must wait for them before it scans.
        if (_states.Remove(partition))
        {
            Log.JoinerRevoked(_context.Logger, partition, reason);
        }

        ReportPartitions();
    }

    private void ReportPartitions()
    {
        long pending = 0;
        foreach (var state in _states.Values)
        {
            pending += state.PendingCount;
        }

        _context.Status.SetJoinerMember(_number, _states.Count, pending);
    }

    /// <summary>Checkpoints <paramref name="states"/> whose examples are all acknowledged, then stores (or commits) their input offsets.</summary>
    private void Checkpoint(List<PartitionJoin> states, bool force, bool commit)
    {
        var due = states.Where(s => s.Dirty || force).ToList();
        if (due.Count == 0)
        {
            return;
        }

        var output = _context.Output;
        if (due.Any(s => output.Unacknowledged(s.Partition) > 0))
        {
            output.Flush();
        }

        var offsets = new List<TopicPartitionOffset>();
        foreach (var state in due)
        {
            var unacknowledged = output.Unacknowledged(state.Partition);
            if (state.Tainted || unacknowledged > 0)
            {
                _context.Metrics.JoinerCheckpoint(written: false);
                Log.JoinerCheckpointDeferred(_context.Logger, state.Partition, unacknowledged);
                continue;
            }

            state.ExamplesNextOffset = Math.Max(state.ExamplesNextOffset, output.NextOffset(state.Partition));
            state.ToCheckpoint().Save(_context.CheckpointPath(state.Partition));
            state.Dirty = false;
            _context.Metrics.JoinerCheckpoint(written: true);
            for (var t = 0; t < 3; t++)
            {
                if (state.NextOffsets[t] >= 0)
                {
                    offsets.Add(new TopicPartitionOffset(_context.Topics.Names[t], state.Partition, state.NextOffsets[t]));
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
                _loop!.Commit(offsets);
            }
            else
            {
                _loop!.Store(offsets);
            }
        }
        catch (KafkaException e)
        {
            // Not committed now (e.g. a rebalance began as another member left): the checkpoint's
            // offsets are what the partition's next owner resumes from anyway.
            var partitions = offsets.Select(o => o.Partition.Value).Distinct().Count();
            Log.JoinerCommitSkipped(_context.Logger, partitions, e.Error.Code, e.Error.Reason);
        }
    }

    /// <summary>Loads partition <paramref name="partition"/>'s checkpoint and marks what was emitted after it.</summary>
    private PartitionJoin Restore(int partition)
    {
        JoinCheckpoint? checkpoint;
        try
        {
            checkpoint = JoinCheckpoint.Load(_context.CheckpointPath(partition));
        }
        catch (InvalidDataException e)
        {
            // Start over from the group's committed offsets; the scan below still prevents duplicates.
            Log.JoinerFailed(_context.Logger, e.Message + "; starting the partition without it", e);
            checkpoint = null;
        }

        var state = new PartitionJoin(partition, _context.Windows, checkpoint) { LastArrivalMs = _context.NowMs() };
        var output = _context.Output;
        var unacknowledged = output.Unacknowledged(partition);
        if (unacknowledged > 0)
        {
            // Examples this process handed over while it held the partition before: the checkpoint predates
            // them, so the scan must find them in the topic, or replay would emit them a second time.
            Log.JoinerAwaitingDelivery(_context.Logger, partition, unacknowledged);
            output.AwaitDelivered(partition, _stopping);
        }

        var (emitted, end) = ScanExamples(partition, checkpoint?.ExamplesNextOffset ?? -1);
        foreach (var bidId in emitted)
        {
            state.MarkEmitted(bidId);
        }

        state.ExamplesNextOffset = end;
        output.SetNextOffset(partition, end);
        Log.JoinerAssigned(_context.Logger, partition, state.NextOffsets[0], state.NextOffsets[1], state.NextOffsets[2], state.PendingCount, emitted.Count);
        return state;
    }

    /// <summary>
    /// Reads the keys (bid ids) of examples partition <paramref name="partition"/> from
    /// <paramref name="from"/> (or, without a checkpoint, the newest <c>RecoveryScanLimit</c>) to its end.
    /// </summary>
    private (List<string> BidIds, long End) ScanExamples(int partition, long from)
    {
        var config = _context.Clients.CreateConsumerConfig(_context.Options.GroupId + "-recovery");
        config.EnableAutoCommit = false;
        using var scanner = KafkaClientFactory.BuildConsumer<string, Ignore>(config, _context.Logger);
        var tp = new TopicPartition(_context.Output.Topic, partition);
        var marks = scanner.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30));
        var start = from >= 0 ? Math.Max(from, marks.Low.Value) : Math.Max(marks.Low.Value, marks.High.Value - _context.Options.RecoveryScanLimit);
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
                throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"recovery scan of {tp.Topic} partition {partition} did not reach offset {marks.High.Value}"));
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
}
