namespace ClickPredict.Kafka;

/// <summary>
/// Kafka settings shared by the bidder and the trainer: config section <c>Kafka</c>
/// (environment variables override, e.g. <c>Kafka__BootstrapServers</c>). Validated at start by
/// <see cref="KafkaOptionsValidator"/>; a bad value stops start-up with a message naming its key.
/// </summary>
public sealed class KafkaOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Kafka";

    /// <summary>The <see cref="BootstrapServers"/> value that selects the embedded broker.</summary>
    public const string EmbeddedBootstrap = "embedded";

    /// <summary>
    /// <c>Kafka:BootstrapServers</c>: a comma-separated <c>host:port</c> list of a real cluster, or
    /// <c>embedded</c> (the default) for librdkafka's in-memory mock cluster on 127.0.0.1, shared with
    /// other ClickPredict processes on this machine (see <see cref="ClickPredict.Kafka.Embedded.EmbeddedKafkaBroker"/>).
    /// </summary>
    public string BootstrapServers { get; set; } = EmbeddedBootstrap;

    /// <summary><c>Kafka:ClientId</c>: the <c>client.id</c> our clients present to brokers. Default <c>clickpredict</c>.</summary>
    public string ClientId { get; set; } = "clickpredict";

    /// <summary><c>Kafka:Topics</c>: topic names.</summary>
    public KafkaTopicOptions Topics { get; set; } = new();

    /// <summary>
    /// <c>Kafka:Partitions</c>: partitions of the topics we create (the embedded broker at start, and
    /// <see cref="KafkaClientFactory.EnsureTopicsAsync"/> on a real cluster). All event topics share
    /// it so one bid id maps to the same partition number in each. Default 4.
    /// </summary>
    public int Partitions { get; set; } = 4;

    /// <summary>
    /// <c>Kafka:ReplicationFactor</c>: replication factor of topics created on a real cluster;
    /// -1 (default) takes the broker's <c>default.replication.factor</c>.
    /// </summary>
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>
    /// <c>Kafka:CreateTopics</c>: create missing topics at start (default true). Turn it off where
    /// operators manage topics.
    /// </summary>
    public bool CreateTopics { get; set; } = true;

    /// <summary><c>Kafka:Producer</c>: bounds of the shared event producer.</summary>
    public KafkaProducerOptions Producer { get; set; } = new();

    /// <summary><c>Kafka:Embedded</c>: the embedded broker, used when <see cref="BootstrapServers"/> is <c>embedded</c>.</summary>
    public EmbeddedKafkaOptions Embedded { get; set; } = new();

    /// <summary>
    /// <c>Kafka:Client</c>: extra librdkafka properties set on every client we build (producer,
    /// consumers, admin), after ours, so they win: security for real clusters
    /// (<c>security.protocol</c>, <c>sasl.mechanism</c>, <c>sasl.username</c>, ...) or tuning
    /// (<c>reconnect.backoff.max.ms</c>, ...). Keys are librdkafka property names.
    /// </summary>
    public Dictionary<string, string> Client { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether <see cref="BootstrapServers"/> selects the embedded broker.</summary>
    public bool UsesEmbeddedBroker => string.Equals(BootstrapServers?.Trim(), EmbeddedBootstrap, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Topic names. Every event topic is keyed by bid id, so the bid, impression and click of one
    /// auction land in the same partition number of their topics.
    /// </summary>
    public sealed class KafkaTopicOptions
    {
        /// <summary><c>Kafka:Topics:Bids</c>: bid events. Default <c>clickpredict.bids</c>.</summary>
        public string Bids { get; set; } = "clickpredict.bids";

        /// <summary><c>Kafka:Topics:Impressions</c>: win notices. Default <c>clickpredict.impressions</c>.</summary>
        public string Impressions { get; set; } = "clickpredict.impressions";

        /// <summary><c>Kafka:Topics:Clicks</c>: clicks. Default <c>clickpredict.clicks</c>.</summary>
        public string Clicks { get; set; } = "clickpredict.clicks";

        /// <summary><c>Kafka:Topics:Examples</c>: labelled examples from the joiner. Default <c>clickpredict.examples</c>.</summary>
        public string Examples { get; set; } = "clickpredict.examples";

        /// <summary><c>Kafka:Topics:Losses</c>: loss notices (first-price learning). Default <c>clickpredict.losses</c>.</summary>
        public string Losses { get; set; } = "clickpredict.losses";

        /// <summary>The five topic names, in the order bids, impressions, clicks, examples, losses.</summary>
        public IReadOnlyList<string> All => [Bids, Impressions, Clicks, Examples, Losses];
    }

    /// <summary>Bounds of the shared, non-blocking event producer (<see cref="EventProducer"/>).</summary>
    public sealed class KafkaProducerOptions
    {
        /// <summary>
        /// <c>Kafka:Producer:QueueMaxMessages</c>: messages buffered in librdkafka (queued plus in
        /// flight) before <see cref="EventProducer.TryProduce"/> drops; librdkafka's
        /// <c>queue.buffering.max.messages</c>. Default 100000.
        /// </summary>
        public int QueueMaxMessages { get; set; } = 100_000;

        /// <summary>
        /// <c>Kafka:Producer:QueueMaxKbytes</c>: the same bound in kilobytes
        /// (<c>queue.buffering.max.kbytes</c>); whichever is hit first drops. Default 65536 (64 MiB).
        /// </summary>
        public int QueueMaxKbytes { get; set; } = 65_536;

        /// <summary>
        /// <c>Kafka:Producer:MessageTimeoutMs</c>: how long a buffered message may wait for the
        /// broker before it fails and counts as <c>delivery_failed</c> (<c>message.timeout.ms</c>).
        /// Default 30000.
        /// </summary>
        public int MessageTimeoutMs { get; set; } = 30_000;

        /// <summary><c>Kafka:Producer:LingerMs</c>: batching delay (<c>linger.ms</c>). Default 5.</summary>
        public int LingerMs { get; set; } = 5;

        /// <summary>
        /// <c>Kafka:Producer:FlushTimeoutMs</c>: how long disposing the producer at shutdown waits
        /// for buffered messages to be delivered. Default 5000.
        /// </summary>
        public int FlushTimeoutMs { get; set; } = 5_000;
    }

    /// <summary>The embedded broker (librdkafka's mock cluster).</summary>
    public sealed class EmbeddedKafkaOptions
    {
        /// <summary><c>Kafka:Embedded:Brokers</c>: brokers to start (1 to 16). Default 1.</summary>
        public int Brokers { get; set; } = 1;

        /// <summary>
        /// <c>Kafka:Embedded:Shared</c>: look for a broker another ClickPredict process already runs
        /// on this machine and use it, and advertise ours when we start one (default true). False
        /// starts a private broker that nobody else finds.
        /// </summary>
        public bool Shared { get; set; } = true;

        /// <summary>
        /// <c>Kafka:Embedded:DiscoveryDirectory</c>: where the advertisement lives. Empty (default)
        /// means <c>{temp}/clickpredict</c>. Processes must agree on it to share a broker.
        /// </summary>
        public string? DiscoveryDirectory { get; set; }
    }
}
