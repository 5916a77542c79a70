using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClickPredict.Kafka;

/// <summary>
/// The process's one shared Kafka producer for event logging (bids, impressions, clicks, examples).
/// <see cref="TryProduce"/> never blocks and never throws: a message goes into librdkafka's bounded
/// queue (<c>Kafka:Producer:QueueMaxMessages</c> / <c>QueueMaxKbytes</c>) or is dropped and counted.
/// When the cluster is down or slow the queue fills, further events are dropped, and the caller's
/// work (a bid) goes on unchanged; queued messages are sent once the cluster is back, or fail after
/// <c>Kafka:Producer:MessageTimeoutMs</c>.
/// </summary>
/// <remarks>
/// <para>Every message ends in exactly one count: <see cref="Dropped"/> (refused at once),
/// <see cref="Delivered"/> (acknowledged by the broker) or <see cref="DeliveryFailed"/> (accepted,
/// then failed); until its delivery report arrives it is <see cref="Pending"/>. The same counts are
/// exported as the counters <c>clickpredict.kafka.dropped</c>, <c>clickpredict.kafka.produced</c>
/// and <c>clickpredict.kafka.delivery_failed</c> (meter <c>ClickPredict.Kafka</c>).</para>
/// <para>Thread-safe. <see cref="Dispose"/> (the host does it at shutdown) flushes for
/// <c>Kafka:Producer:FlushTimeoutMs</c> and then closes the producer.</para>
/// </remarks>
public sealed class EventProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivery;
    private readonly KafkaMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _queueMaxMessages;
    private readonly int _flushTimeoutMs;
    private readonly LogThrottle _dropLog = new();
    private readonly LogThrottle _failureLog = new();
    private readonly LogThrottle _errorLog = new();
    private long _accepted;
    private long _delivered;
    private long _dropped;
    private long _deliveryFailed;
    private int _disposed;

    /// <summary>Creates the producer (it connects lazily, in the background).</summary>
    public EventProducer(KafkaClientFactory clients, IMeterFactory meterFactory, ILogger<EventProducer>? logger = null)
        : this(clients, new KafkaMetrics(meterFactory), (ILogger?)logger ?? NullLogger.Instance)
    {
    }

    internal EventProducer(KafkaClientFactory clients, KafkaMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        _metrics = metrics;
        _logger = logger;
        _queueMaxMessages = clients.Options.Producer.QueueMaxMessages;
        _flushTimeoutMs = clients.Options.Producer.FlushTimeoutMs;
        _onDelivery = OnDelivery;
        _producer = new ProducerBuilder<string, byte[]>(clients.CreateProducerConfig())
            .SetErrorHandler(OnError)
            .SetLogHandler(OnLog)
            .Build();
    }

    /// <summary>Messages accepted into the queue.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Messages the broker acknowledged.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Messages refused at once (queue full, producer closed or failed, local error).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Accepted messages whose delivery failed (timed out, or refused by the broker).</summary>
    public long DeliveryFailed => Interlocked.Read(ref _deliveryFailed);

    /// <summary>Accepted messages still waiting for their delivery report.</summary>
    public long Pending => Accepted - Delivered - DeliveryFailed;

    /// <summary>The librdkafka client name (for logs and status pages).</summary>
    public string Name => _producer.Name;

    /// <summary>
    /// Queues <paramref name="value"/> for <paramref name="topic"/> under <paramref name="key"/> (the
    /// bid id: it picks the partition). Returns at once; never throws.
    /// </summary>
    /// <returns><c>true</c> if queued, <c>false</c> if dropped (and counted).</returns>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Logging must never fail the caller; every failure is counted.")]
    public bool TryProduce(string topic, string key, byte[] value)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return Drop(topic, ErrorCode.Local_Destroy);
        }

        // Our own count of what librdkafka holds: refusing here avoids an exception per message while
        // the cluster is away and the queue stays full.
        if (Pending >= _queueMaxMessages)
        {
            return Drop(topic, ErrorCode.Local_QueueFull);
        }

        try
        {
            Interlocked.Increment(ref _accepted);
            _producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value }, _onDelivery);
            return true;
        }
        catch (ProduceException<string, byte[]> e)
        {
            Interlocked.Decrement(ref _accepted);
            return Drop(topic, e.Error.Code);
        }
        catch (KafkaException e)
        {
            Interlocked.Decrement(ref _accepted);
            return Drop(topic, e.Error.Code);
        }
        catch (Exception)
        {
            // Disposed underneath us, a null topic, or anything else: dropped, not thrown.
            Interlocked.Decrement(ref _accepted);
            return Drop(topic ?? string.Empty, ErrorCode.Local_Fail);
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for queued messages to be delivered (or fail).
    /// Blocks: for shutdown and tests, never on a request path.
    /// </summary>
    /// <returns>Messages still queued when it returned (0: all done).</returns>
    public int Flush(TimeSpan timeout)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return 0;
        }

        try
        {
            return _producer.Flush(timeout);
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>Flushes for <c>Kafka:Producer:FlushTimeoutMs</c>, then closes the producer.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            var remaining = _producer.Flush(TimeSpan.FromMilliseconds(_flushTimeoutMs));
            if (remaining > 0)
            {
                Log.FlushIncomplete(_logger, remaining, _flushTimeoutMs);
            }
        }
        catch (KafkaException e)
        {
            // A producer in a fatal state cannot flush; what it held is lost, and said so.
            Log.ClientError(_logger, e.Error.Code, e.Error.Reason);
        }
        finally
        {
            _producer.Dispose();
        }
    }

    private bool Drop(string topic, ErrorCode reason)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        _metrics.Dropped(topic, reason);
        if (_dropLog.ShouldLog())
        {
            Log.EventsDropped(_logger, reason.ToString(), dropped);
        }

        return false;
    }

    // Runs on the producer's poll thread. The metric is recorded before the count moves: a reader that
    // sees the count (or Pending reach zero) then finds the metric too.
    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError)
        {
            _metrics.DeliveryFailed(report.Topic, report.Error.Code);
            var failed = Interlocked.Increment(ref _deliveryFailed);
            if (_failureLog.ShouldLog())
            {
                Log.DeliveriesFailing(_logger, report.Error.Code, failed);
            }
        }
        else
        {
            _metrics.Produced(report.Topic);
            Interlocked.Increment(ref _delivered);
        }
    }

    private void OnError(IProducer<string, byte[]> producer, Error error)
    {
        if (error.IsFatal)
        {
            Log.ProducerFatal(_logger, error.Code, error.Reason);
        }
        else if (_errorLog.ShouldLog())
        {
            // librdkafka reports each reconnect failure while a broker is away; once per interval is enough.
            Log.ClientError(_logger, error.Code, error.Reason);
        }
    }

    private void OnLog(IProducer<string, byte[]> producer, LogMessage message) => KafkaClientFactory.LogLibrdkafka(_logger, message);
}
