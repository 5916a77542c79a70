using System.Collections.Concurrent;
using ClickPredict.Kafka;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// The examples producer every joiner member of a process writes through, with the delivery
/// book-keeping of each examples partition: how many examples Kafka has not acknowledged yet and the
/// offset after the last acknowledged one. The book-keeping outlives a member's hold on a partition, so a
/// partition that moves to another member of this process (or comes back) is recovered only once Kafka
/// has acknowledged what was handed to the producer before (see <see cref="AwaitDelivered"/>).
/// </summary>
/// <remarks>
/// Examples must not be dropped or doubled: the producer is idempotent (acks from all replicas, ordered
/// retries without duplicates) and retries until it succeeds (no delivery timeout); a full queue makes the
/// caller wait. Only a fatal error ends it; it is kept in <see cref="Failure"/>.
/// </remarks>
internal sealed class ExampleOutput : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly string _topic;
    private readonly ConcurrentDictionary<int, Partition> _partitions = new();
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivery;
    private volatile Error? _failure;

    public ExampleOutput(KafkaClientFactory clients, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _topic = clients.Options.Topics.Examples;
        FlushTimeout = TimeSpan.FromMilliseconds(clients.Options.Producer.FlushTimeoutMs);
        var config = clients.CreateProducerConfig();
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.MessageTimeoutMs = 0;
        config.Partitioner = Confluent.Kafka.Partitioner.Murmur2Random;
        _onDelivery = OnDelivery;
        _producer = KafkaClientFactory.BuildProducer<string, byte[]>(config, logger, builder => builder.SetErrorHandler((_, error) =>
        {
            if (error.IsFatal)
            {
                _failure ??= error;
            }
        }));
    }

    /// <summary>The examples topic.</summary>
    public string Topic => _topic;

    /// <summary>How long a checkpoint (or a revoke) waits for unacknowledged examples (<c>Kafka:Producer:FlushTimeoutMs</c>).</summary>
    public TimeSpan FlushTimeout { get; }

    /// <summary>The fatal error that stopped the producer, if one did.</summary>
    public Error? Failure => _failure;

    /// <summary>Examples of <paramref name="partition"/> handed to the producer and not acknowledged yet.</summary>
    public long Unacknowledged(int partition) => _partitions.TryGetValue(partition, out var p) ? Interlocked.Read(ref p.Unacknowledged) : 0;

    /// <summary>The offset after the last acknowledged example of <paramref name="partition"/> (-1: none yet).</summary>
    public long NextOffset(int partition) => _partitions.TryGetValue(partition, out var p) ? Interlocked.Read(ref p.NextOffset) : -1;

    /// <summary>Sets where <paramref name="partition"/>'s examples end, as a recovery scan found it.</summary>
    public void SetNextOffset(int partition, long offset) => Interlocked.Exchange(ref Book(partition).NextOffset, offset);

    /// <summary>
    /// Hands one example of <paramref name="partition"/> to the producer, waiting while its queue is full.
    /// Returns false when <paramref name="token"/> fired before it could: the example never left.
    /// </summary>
    public bool Produce(int partition, string key, byte[] value, CancellationToken token)
    {
        var book = Book(partition);
        var target = new TopicPartition(_topic, partition);
        var message = new Message<string, byte[]> { Key = key, Value = value };
        while (true)
        {
            Interlocked.Increment(ref book.Unacknowledged);
            try
            {
                _producer.Produce(target, message, _onDelivery);
                return true;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Interlocked.Decrement(ref book.Unacknowledged);
                if (token.IsCancellationRequested)
                {
                    return false;
                }

                // Back-pressure: wait for deliveries to make room.
                _producer.Flush(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException)
            {
                Interlocked.Decrement(ref book.Unacknowledged);
                throw;
            }
        }
    }

    /// <summary>Waits up to <see cref="FlushTimeout"/> for every example handed over to be acknowledged.</summary>
    public void Flush() => _producer.Flush(FlushTimeout);

    /// <summary>
    /// Waits until no example of <paramref name="partition"/> is unacknowledged: ones handed over while this
    /// process held the partition before (revoked, or lost when the group session timed out during an
    /// outage), which a recovery scan must find in the topic. The producer retries without a deadline, so
    /// this waits as long (through an outage), until a fatal error or <paramref name="token"/>.
    /// Returns how many it waited for.
    /// </summary>
    public long AwaitDelivered(int partition, CancellationToken token)
    {
        var book = Book(partition);
        var waited = Interlocked.Read(ref book.Unacknowledged);
        while (Interlocked.Read(ref book.Unacknowledged) > 0)
        {
            ThrowIfFailed();
            token.ThrowIfCancellationRequested();
            _producer.Flush(TimeSpan.FromMilliseconds(100));
        }

        return waited;
    }

    /// <summary>Throws the producer's fatal error, if any.</summary>
    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new KafkaException(failure);
        }
    }

    /// <summary>Without a flush first this is the crash path: what is queued is lost (a restart recovers it by replay).</summary>
    public void Dispose() => _producer.Dispose();

    private Partition Book(int partition) => _partitions.GetOrAdd(partition, static _ => new Partition());

    // On the producer's poll thread.
    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (!_partitions.TryGetValue(report.Partition.Value, out var book))
        {
            return;
        }

        if (report.Error.IsError)
        {
            // With infinite retries only a fatal error gets here: the members stop; checkpoints keep these unacknowledged.
            _failure ??= report.Error;
            return;
        }

        var next = report.Offset.Value + 1;
        long seen;
        while ((seen = Interlocked.Read(ref book.NextOffset)) < next && Interlocked.CompareExchange(ref book.NextOffset, next, seen) != seen)
        {
        }

        Interlocked.Decrement(ref book.Unacknowledged);
    }

    private sealed class Partition
    {
        public long Unacknowledged;
        public long NextOffset = -1;
    }
}
