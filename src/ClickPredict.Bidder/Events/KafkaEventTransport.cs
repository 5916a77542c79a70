using System.Text;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// Events to Kafka through the process's shared <see cref="EventProducer"/>: bounded and
/// non-blocking; when the cluster is down or slow, events are dropped and counted
/// (<c>clickpredict.kafka.dropped</c>) and bidding goes on unchanged. Topics from <c>Kafka:Topics</c>.
/// The bids topic's partition count, which bid events are batched by, is asked of the cluster in the
/// background (never on the caller's thread): at first use, every second until the topic is there, then
/// every 30 s, so partitions added to the topic are followed.
/// </summary>
internal sealed class KafkaEventTransport : IEventTransport, IDisposable
{
    private const long RetryMs = 1_000;
    private const long RefreshMs = 30_000;
    private static readonly TimeSpan s_lookupTimeout = TimeSpan.FromSeconds(5);

    private readonly EventProducer _producer;
    private readonly KafkaClientFactory _clients;
    private readonly ILogger<KafkaEventTransport> _logger;
    private readonly string _bids;
    private readonly string _impressions;
    private readonly string _clicks;
    private readonly string _losses;
    private IAdminClient? _admin;
    private int _partitions;
    private int _lookingUp;
    private long _nextLookupMs;
    private int _disposed;

    public KafkaEventTransport(EventProducer producer, KafkaClientFactory clients, IOptions<KafkaOptions> options, ILogger<KafkaEventTransport> logger)
    {
        _producer = producer;
        _clients = clients;
        _logger = logger;
        _bids = options.Value.Topics.Bids;
        _impressions = options.Value.Topics.Impressions;
        _clicks = options.Value.Topics.Clicks;
        _losses = options.Value.Topics.Losses;
    }

    public string Description => $"Kafka at {_clients.BootstrapServers} (topics {_bids}, {_impressions}, {_clicks}, {_losses})";

    public int? BidPartitions
    {
        get
        {
            if (Environment.TickCount64 >= Volatile.Read(ref _nextLookupMs) && Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _lookingUp, 1) == 0)
            {
                _ = Task.Run(LookUpPartitions);
            }

            var partitions = Volatile.Read(ref _partitions);
            return partitions > 0 ? partitions : null;
        }
    }

    public bool TryPublish(EventTopic topic, string key, byte[] value) => _producer.TryProduce(
        topic switch
        {
            EventTopic.Bids => _bids,
            EventTopic.Impressions => _impressions,
            EventTopic.Losses => _losses,
            _ => _clicks,
        },
        key,
        value);

    public bool TryPublishBatch(ReadOnlySpan<byte> key, byte[] value) => _producer.TryProduce(_bids, Encoding.ASCII.GetString(key), value);

    /// <summary>Disposes the admin client now, or, while a lookup is waiting for the cluster, when that lookup ends (shutdown does not wait for it).</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        if (Interlocked.Exchange(ref _lookingUp, 1) == 0)
        {
            _admin?.Dispose();
            _admin = null;
        }
    }

    // One at a time (_lookingUp), on a thread-pool thread: it waits up to 5 s for a cluster that is away.
    private void LookUpPartitions()
    {
        var found = 0;
        try
        {
            _admin ??= new AdminClientBuilder(_clients.CreateAdminClientConfig())
                .SetLogHandler((_, _) => { })      // the producer already reports the cluster's state
                .SetErrorHandler((_, _) => { })
                .Build();
            // All topics' metadata: asking for the bids topic by name would make the embedded broker create it.
            var metadata = _admin.GetMetadata(s_lookupTimeout);
            found = metadata.Topics.FirstOrDefault(t => t.Topic == _bids && t.Error.Code == ErrorCode.NoError)?.Partitions.Count ?? 0;
        }
        catch (KafkaException)
        {
            // Not reachable yet: each bid event goes alone meanwhile; asked again shortly.
        }
        finally
        {
            if (found > 0 && Interlocked.Exchange(ref _partitions, found) != found)
            {
                Log.BidEventsBatched(_logger, _bids, found);
            }

            Volatile.Write(ref _nextLookupMs, Environment.TickCount64 + (found > 0 ? RefreshMs : RetryMs));
            Volatile.Write(ref _lookingUp, 0);
            // Disposed meanwhile: whichever of this and Dispose takes the flag back disposes the client.
            if (Volatile.Read(ref _disposed) != 0 && Interlocked.Exchange(ref _lookingUp, 1) == 0)
            {
                _admin?.Dispose();
                _admin = null;
            }
        }
    }
}
