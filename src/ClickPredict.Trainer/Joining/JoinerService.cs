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
/// a member keeps one <see cref="PartitionJoin"/> per partition number, created when the partition
/// is assigned and checkpointed and dropped when it is revoked. One process runs
/// <c>Trainer:Joiner:Consumers</c> members, each a consumer of the group on its own thread (they split
/// the partitions as members in separate processes do) and all writing through one examples producer. The example of an auction of partition
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
internal sealed partial class JoinerService : TrainerLoop
{
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
    // Per examples partition, shared by the members: a partition that moves from one member to another
    // in this process keeps its delivery book-keeping (see Member.AwaitDelivered).
    private readonly ConcurrentDictionary<int, OutputPartition> _outputs = new();
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivery;
    private IProducer<string, byte[]>? _producer;
    private Member[] _members = [];
    private volatile Error? _deliveryError;

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

    protected override bool Enabled => _options.Joiner.Enabled;

    protected override void Starting() => _status.JoinerRunning = true;

    /// <summary>
    /// Runs the members, one on this thread and the others each on a thread of its own, until
    /// <paramref name="token"/> fires. A member that fails stops the others where they are (no final
    /// checkpoint: their restart resumes from the last one, as after a crash) and its error ends the loop.
    /// </summary>
    protected override void Run(CancellationToken token)
    {
        Directory.CreateDirectory(_directory);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(token);
        try
        {
            _producer = BuildProducer();
            _members = [.. Enumerable.Range(0, _options.Joiner.Consumers).Select(_ => new Member(this))];
            var others = _members.Skip(1)
                .Select(m => Task.Factory.StartNew(() => RunMember(m, failed), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            Exception? first = null;
            try
            {
                RunMember(_members[0], failed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                first = e;
            }

            foreach (var other in others)
            {
                try
                {
                    other.GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    first ??= e;
                }
            }

            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }

            if (Graceful)
            {
                var checkpointed = _members.Sum(m => m.Stopped);
                Log.JoinerStopped(_logger, checkpointed);
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
            _status.JoinerMemberPartitions = [];
            // Without a graceful stop this is the crash path: no flush.
            _producer?.Dispose();
        }
    }

    private static void RunMember(Member member, CancellationTokenSource failed)
    {
        try
        {
            member.Run(failed.Token);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            // Stopped, or another member failed.
        }
        catch
        {
            failed.Cancel();
            throw;
        }
    }

    /// <summary>Sums the members' partitions and pending auctions into the status and the metrics.</summary>
    private void Report()
    {
        var members = _members;
        var each = new int[members.Length];
        long pending = 0;
        for (var i = 0; i < members.Length; i++)
        {
            each[i] = members[i].PartitionCount;
            pending += members[i].Pending;
        }

        _status.JoinerMemberPartitions = each;
        _status.JoinerPartitions = each.Sum();
        _status.JoinerPending = pending;
        _metrics.Pending(pending);
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
