using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ClickPredict.Kafka;

/// <summary>
/// Builds Confluent.Kafka client configs for the configured cluster (real, or the embedded broker
/// this process runs or joined) and makes sure topics exist. One per process (a DI singleton).
/// </summary>
/// <remarks>
/// Every config starts from <see cref="KafkaOptions.BootstrapServers"/> (resolved to the embedded
/// broker's address when it is <c>embedded</c>) and <see cref="KafkaOptions.ClientId"/>, then the
/// client-specific settings below, then <see cref="KafkaOptions.Client"/> (extra librdkafka
/// properties such as SASL settings), which win.
/// </remarks>
public sealed partial class KafkaClientFactory
{
    /// <summary><c>session.timeout.ms</c> of consumers on the embedded broker.</summary>
    public const int EmbeddedSessionTimeoutMs = 6_000;

    private static readonly TimeSpan s_defaultAdminTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly EmbeddedKafkaCluster? _localCluster;
    private readonly LogThrottle _adminErrors = new();

    /// <summary>Creates the factory.</summary>
    /// <param name="options">Validated Kafka options.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="embeddedBroker">The embedded broker; required when <c>Kafka:BootstrapServers</c> is <c>embedded</c>, ignored otherwise.</param>
    /// <exception cref="InvalidOperationException">Embedded is configured but no broker was given.</exception>
    public KafkaClientFactory(IOptions<KafkaOptions> options, ILogger<KafkaClientFactory>? logger = null, EmbeddedKafkaBroker? embeddedBroker = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (Options.UsesEmbeddedBroker)
        {
            EmbeddedBroker = embeddedBroker ?? throw new InvalidOperationException(
                $"{KafkaOptions.SectionName}:BootstrapServers is '{KafkaOptions.EmbeddedBootstrap}' but no {nameof(EmbeddedKafkaBroker)} was given.");
            BootstrapServers = embeddedBroker.BootstrapServers;
            _localCluster = embeddedBroker.Cluster;
        }
        else
        {
            BootstrapServers = Options.BootstrapServers.Trim();
            // A cluster this process started itself and pointed at by address (tests do this).
            _localCluster = EmbeddedKafkaCluster.FindRunning(BootstrapServers);
        }
    }

    /// <summary>The options the factory was built with.</summary>
    public KafkaOptions Options { get; }

    /// <summary>The resolved <c>bootstrap.servers</c> every client gets.</summary>
    public string BootstrapServers { get; }

    /// <summary>The embedded broker in use, or null for a real cluster.</summary>
    public EmbeddedKafkaBroker? EmbeddedBroker { get; }

    /// <summary>
    /// Whether the cluster answers offset-for-time lookups (<c>OffsetsForTimes</c>). A real broker does;
    /// librdkafka's mock cluster (the embedded broker) answers every lookup by timestamp with the end offset,
    /// so a reader there must start from the beginning and filter by time itself.
    /// </summary>
    public bool SupportsTimeLookups => !(Options.UsesEmbeddedBroker || _localCluster is not null);

    /// <summary>How long <see cref="EnsureTopicsAsync"/> waits for each admin request (10 s; tests shorten it).</summary>
    internal TimeSpan AdminTimeout { get; set; } = s_defaultAdminTimeout;

    /// <summary>
    /// Producer config for <see cref="EventProducer"/>-style logging: bounded queue
    /// (<c>Kafka:Producer:*</c>), delivery reports carrying only the status, and the murmur2
    /// partitioner (the Java client's), so a key maps to the same partition number in every topic
    /// of equal partition count, whatever client wrote it.
    /// </summary>
    public ProducerConfig CreateProducerConfig()
    {
        var producer = Options.Producer;
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = Options.ClientId,
            QueueBufferingMaxMessages = producer.QueueMaxMessages,
            QueueBufferingMaxKbytes = producer.QueueMaxKbytes,
            MessageTimeoutMs = producer.MessageTimeoutMs,
            LingerMs = producer.LingerMs,
            Partitioner = Partitioner.Murmur2Random,
            EnableDeliveryReports = true,
            DeliveryReportFields = "status",
        };
        return ApplyClientProperties(config);
    }

    /// <summary>
    /// Consumer config for a consumer group that commits only what the caller has stored:
    /// <c>enable.auto.commit = true</c> with <c>enable.auto.offset.store = false</c>. Call
    /// <c>consumer.StoreOffset(result)</c> once the work a message feeds is durable (in a
    /// checkpoint, or produced downstream); the background commit then covers exactly that, and
    /// <c>Close()</c> commits the last stored offsets. After a crash, consumption restarts after
    /// the last stored-and-committed offset, so nothing durable is processed twice beyond what the
    /// checkpoint itself covers, and nothing is skipped. On the embedded broker,
    /// <c>session.timeout.ms</c> is <see cref="EmbeddedSessionTimeoutMs"/> (see the code comment).
    /// </summary>
    /// <param name="groupId">The consumer group (joiners share one; each learner its own).</param>
    /// <param name="autoOffsetReset">Where a group without committed offsets starts. Default: earliest.</param>
    public ConsumerConfig CreateConsumerConfig(string groupId, AutoOffsetReset autoOffsetReset = AutoOffsetReset.Earliest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = Options.ClientId,
            GroupId = groupId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = 1_000,
            AutoOffsetReset = autoOffsetReset,
            EnablePartitionEof = false,
        };
        if (Options.UsesEmbeddedBroker || _localCluster is not null)
        {
            // The mock broker holds a rebalance for the session timeout less 1 s after a member leaves
            // (a real broker does not wait for members that left); keep it short so a restarted consumer
            // gets its partitions back within seconds. Real clusters keep librdkafka's 45 s.
            config.SessionTimeoutMs = EmbeddedSessionTimeoutMs;
            config.HeartbeatIntervalMs = EmbeddedSessionTimeoutMs / 4;
        }

        return ApplyClientProperties(config);
    }

    /// <summary>
    /// Consumer config for a reader that assigns its partitions itself and commits nothing (it keeps no
    /// group offsets: where it starts is worked out at each start, e.g. from timestamps). The group id is
    /// only a label librdkafka requires; no group is joined. <paramref name="fetchWaitMaxMs"/> bounds how
    /// long the broker may hold a fetch with nothing new, hence the reader's lag on a quiet topic.
    /// </summary>
    public ConsumerConfig CreateReaderConfig(string label, int fetchWaitMaxMs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = Options.ClientId,
            GroupId = label,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            FetchWaitMaxMs = fetchWaitMaxMs,
        };
        return ApplyClientProperties(config);
    }

    /// <summary>Admin client config (topic management, metadata).</summary>
    public AdminClientConfig CreateAdminClientConfig() =>
        ApplyClientProperties(new AdminClientConfig { BootstrapServers = BootstrapServers, ClientId = Options.ClientId });

    /// <summary>
    /// Makes sure <paramref name="topics"/> (default: the four configured topics) exist, creating
    /// missing ones with <paramref name="partitions"/> partitions (default <c>Kafka:Partitions</c>).
    /// Existing topics are left alone; a partition count other than the wanted one is logged.
    /// </summary>
    /// <remarks>
    /// Real cluster: the Admin API (CreateTopics, replication factor <c>Kafka:ReplicationFactor</c>).
    /// Embedded broker run by this process: the mock cluster API. Embedded broker of another
    /// process: the mock does not serve CreateTopics, so missing topics are auto-created by a
    /// metadata request, with <see cref="EmbeddedKafkaCluster.AutoCreatedTopicPartitions"/> partitions.
    /// </remarks>
    /// <returns>The topics this call created.</returns>
    /// <exception cref="KafkaException">The cluster could not be reached or refused a topic.</exception>
    public async Task<IReadOnlyList<string>> EnsureTopicsAsync(IEnumerable<string>? topics = null, int? partitions = null, CancellationToken cancellationToken = default)
    {
        var wanted = (topics ?? Options.Topics.All).Distinct(StringComparer.Ordinal).ToList();
        var count = partitions ?? Options.Partitions;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var created = new List<string>();

        if (_localCluster is { IsDisposed: false })
        {
            foreach (var topic in wanted)
            {
                if (_localCluster.CreateTopic(topic, count))
                {
                    created.Add(topic);
                    Log.TopicCreated(_logger, topic, count);
                }
            }
        }

        using var admin = new AdminClientBuilder(CreateAdminClientConfig())
            .SetLogHandler((_, message) => LogLibrdkafka(_logger, message))
            .SetErrorHandler((_, error) => _adminErrors.LogIfDue(_logger, error))
            .Build();
        var existing = await Task.Run(() => admin.GetMetadata(AdminTimeout), cancellationToken).ConfigureAwait(false);
        var partitionCounts = existing.Topics
            .Where(t => t.Error.Code == ErrorCode.NoError)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);
        var missing = wanted.Where(t => !partitionCounts.ContainsKey(t)).ToList();

        if (missing.Count > 0 && EmbeddedBroker is { IsOwner: false })
        {
            foreach (var topic in missing)
            {
                // Asking for a named topic's metadata makes the mock broker create it.
                var metadata = await Task.Run(() => admin.GetMetadata(topic, AdminTimeout), cancellationToken).ConfigureAwait(false);
                var made = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
                if (made is null)
                {
                    throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"The embedded broker did not create topic {topic}."));
                }

                created.Add(topic);
                partitionCounts[topic] = made.Partitions.Count;
                Log.TopicCreated(_logger, topic, made.Partitions.Count);
            }
        }
        else if (missing.Count > 0)
        {
            var specifications = missing.Select(t => new TopicSpecification
            {
                Name = t,
                NumPartitions = count,
                ReplicationFactor = Options.ReplicationFactor,
            });
            try
            {
                await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions { RequestTimeout = AdminTimeout }).ConfigureAwait(false);
            }
            catch (CreateTopicsException e)
            {
                // Another process may have created one meanwhile; anything else is a real failure.
                var failed = e.Results.Where(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists)).ToList();
                if (failed.Count > 0)
                {
                    throw new KafkaException(failed[0].Error);
                }
            }

            foreach (var topic in missing)
            {
                created.Add(topic);
                partitionCounts[topic] = count;
                Log.TopicCreated(_logger, topic, count);
            }
        }

        foreach (var topic in wanted)
        {
            if (partitionCounts.TryGetValue(topic, out var actual) && actual != count)
            {
                Log.TopicPartitionMismatch(_logger, topic, actual, count);
            }
        }

        return created;
    }

    /// <summary>Routes a librdkafka log line to <paramref name="logger"/> (instead of librdkafka's default, stderr).</summary>
    internal static void LogLibrdkafka(ILogger logger, LogMessage message)
    {
        // Confluent maps librdkafka's syslog levels onto Microsoft.Extensions.Logging's LogLevel values.
        var level = (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging);
        if (logger.IsEnabled(level))
        {
            Log.Librdkafka(logger, level, message.Facility, message.Name, message.Message);
        }
    }

    private T ApplyClientProperties<T>(T config)
        where T : ClientConfig
    {
        foreach (var (key, value) in Options.Client)
        {
            config.Set(key, value);
        }

        return config;
    }
}
