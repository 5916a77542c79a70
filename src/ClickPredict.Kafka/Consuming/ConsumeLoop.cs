using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Kafka.Consuming;

/// <summary>
/// The one consume loop of the trainer's consumers, in the shape of Confluent's examples: the consumer
/// is built and logged in one place (<see cref="KafkaClientFactory.BuildConsumer"/>), its rebalance
/// hooks (assigned, revoked, lost) and every message go to a <see cref="ConsumeHandler{TKey, TValue}"/>
/// on the loop's thread, non-fatal consume errors are logged (throttled) and survived, and a fatal one
/// (of the consumer, or reported by <see cref="Fail"/>, e.g. a producer's) ends <see cref="Run"/> with a
/// <see cref="KafkaException"/>. Offsets reach the group only through <see cref="Store"/> and
/// <see cref="Commit"/>, which the handler calls once the checkpoint they belong to is durable.
/// </summary>
/// <remarks>
/// It also watches the broker: a transport error (connection refused, all brokers down) marks it
/// unreachable and counts an <see cref="Outages">outage</see>; the next message marks it reachable.
/// A handler whose clock follows the wall clock while its inputs are quiet (the joiner's idle clock)
/// must not take an outage for quiet: the producers hold their events until the broker is back.
/// </remarks>
public sealed class ConsumeLoop<TKey, TValue> : IDisposable
{
    private readonly ConsumeHandler<TKey, TValue> _handler;
    private readonly ILogger _logger;
    private readonly LogThrottle _errors = new();
    private readonly int _pollMs;
    private volatile Error? _fatal;
    private volatile bool _unreachable;
    private long _outages;
    private long _unreachableSince;
    private bool _closed;

    /// <param name="config">The consumer's configuration (see <see cref="KafkaClientFactory.CreateConsumerConfig"/>).</param>
    /// <param name="handler">Gets the rebalance hooks, the messages and the ticks.</param>
    /// <param name="logger">librdkafka's log lines and the loop's errors.</param>
    /// <param name="name">Names the consumer in the log.</param>
    /// <param name="pollMs">Longest wait for a message before the next tick.</param>
    public ConsumeLoop(ConsumerConfig config, ConsumeHandler<TKey, TValue> handler, ILogger logger, string name, int pollMs = 50)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(pollMs, 0);
        _handler = handler;
        _logger = logger;
        _pollMs = pollMs;
        Name = name;
        Consumer = KafkaClientFactory.BuildConsumer<TKey, TValue>(config, logger, builder => builder
            .SetPartitionsAssignedHandler((_, partitions) => handler.OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => handler.OnRevoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => handler.OnLost(partitions))
            .SetErrorHandler((_, error) => OnError(error)));
    }

    /// <summary>The consumer (to subscribe or assign, and to read positions and watermarks).</summary>
    public IConsumer<TKey, TValue> Consumer { get; }

    public string Name { get; }

    /// <summary>Times the broker became unreachable (read from any thread).</summary>
    public long Outages => Interlocked.Read(ref _outages);

    /// <summary>Whether the last word from the client was a transport error (no message has arrived since).</summary>
    public bool BrokerUnreachable => _unreachable;

    /// <summary><see cref="Environment.TickCount64"/> when the broker was last found unreachable.</summary>
    public long UnreachableSinceTicks => Interlocked.Read(ref _unreachableSince);

    /// <summary>Ends <see cref="Run"/> with <paramref name="error"/> at its next poll (a fatal error of another client the loop's work depends on).</summary>
    public void Fail(Error error) => _fatal ??= error;

    /// <summary>Throws the fatal error reported, if any.</summary>
    public void ThrowIfFailed()
    {
        if (_fatal is { } fatal)
        {
            throw new KafkaException(fatal);
        }
    }

    /// <summary>Polls until <paramref name="token"/> fires; throws <see cref="KafkaException"/> on a fatal error.</summary>
    public void Run(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            ThrowIfFailed();
            ConsumeResult<TKey, TValue>? result = null;
            try
            {
                result = Consumer.Consume(_pollMs);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                if (_errors.ShouldLog())
                {
                    Log.ConsumeError(_logger, Name, e.Error.Code, e.Error.Reason);
                }
            }

            if (result is not null && !result.IsPartitionEOF)
            {
                _unreachable = false;
                _handler.OnMessage(result);
            }

            _handler.OnTick();
        }
    }

    /// <summary>Stores offsets for the group's background commit (after their checkpoint is durable).</summary>
    public void Store(IEnumerable<TopicPartitionOffset> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var offset in offsets)
        {
            Consumer.StoreOffset(offset);
        }
    }

    /// <summary>Commits offsets now (after their checkpoint is durable: on a revoke, or a manually assigned consumer's checkpoint).</summary>
    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => Consumer.Commit(offsets);

    /// <summary>A graceful stop: the handler's last checkpoint, then the consumer leaves its group (committing what was stored).</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _handler.OnStopping();
        Consumer.Close();
    }

    /// <summary>Without <see cref="Close"/> first this is the crash path: no checkpoint, no commit, no leaving the group.</summary>
    public void Dispose() => Consumer.Dispose();

    // On the loop's thread (librdkafka serves the consumer's callbacks from Consume).
    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            _fatal ??= error;
            return;
        }

        if (error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Resolve or ErrorCode.BrokerNotAvailable)
        {
            Interlocked.Exchange(ref _unreachableSince, Environment.TickCount64);
            if (!_unreachable)
            {
                _unreachable = true;
                var outages = Interlocked.Increment(ref _outages);
                Log.BrokerUnreachable(_logger, Name, error.Code, error.Reason, outages);
            }

            return;
        }

        _errors.LogIfDue(_logger, error);
    }
}
