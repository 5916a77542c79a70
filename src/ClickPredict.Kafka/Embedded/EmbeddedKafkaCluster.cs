using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ClickPredict.Kafka.Native;
using Confluent.Kafka;

namespace ClickPredict.Kafka.Embedded;

/// <summary>
/// librdkafka's built-in mock cluster: real Kafka wire-protocol brokers held in this process's memory,
/// listening on 127.0.0.1 (one ephemeral port per broker), reachable over TCP by any Kafka client in
/// this or another process. Use it for tests, the demo and single-machine runs; point the same code at
/// a real cluster in production.
/// </summary>
/// <remarks>
/// <para>The brokers run on librdkafka's own threads, driven by a bare <c>rd_kafka_t</c> this class
/// creates in the same native library Confluent.Kafka uses. Messages live in memory only and vanish
/// when the cluster is disposed or the process ends.</para>
/// <para>The mock API is experimental in librdkafka and not covered by its ABI promise; this class is
/// pinned to librdkafka.redist 2.16.0. Group coordination, offset commits, produce and fetch work;
/// the Admin CreateTopics request does not (use <see cref="CreateTopic"/>).</para>
/// <para>Methods are thread-safe. Not finalized: dispose it, or it lives until the process exits.</para>
/// </remarks>
public sealed unsafe class EmbeddedKafkaCluster : IDisposable
{
    /// <summary>Partitions of a topic the mock creates by itself on first use of an unknown name
    /// (librdkafka's fixed mock default; it cannot be changed through the public API).</summary>
    public const int AutoCreatedTopicPartitions = 4;

    /// <summary>Delay before the first rebalance of a new consumer group (real Kafka: 3 s); short so
    /// a group forms quickly in tests and on the demo.</summary>
    private const int GroupInitialRebalanceDelayMs = 100;

    /// <summary>Clusters alive in this process, by bootstrap servers.</summary>
    private static readonly ConcurrentDictionary<string, EmbeddedKafkaCluster> s_running = new(StringComparer.Ordinal);

    /// <summary>Quiet time kept between two control operations; see <see cref="PaceControlOperation"/>.</summary>
    private static readonly long s_controlGap = System.Diagnostics.Stopwatch.Frequency / 500; // 2 ms

    private readonly Lock _gate = new();
    private nint _handle;
    private nint _cluster;
    private long _lastControlAt;

    private EmbeddedKafkaCluster(nint handle, nint cluster, int brokerCount, int defaultPartitions, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        DefaultPartitions = defaultPartitions;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated <c>127.0.0.1:port</c> of every broker, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Partitions <see cref="CreateTopic"/> gives a topic when no count is passed.</summary>
    public int DefaultPartitions { get; }

    /// <summary>Replication factor of topics created here: the broker count, at most 3.</summary>
    public int ReplicationFactor => Math.Min(3, BrokerCount);

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _cluster == 0;
            }
        }
    }

    /// <summary>Starts a mock cluster of <paramref name="brokerCount"/> brokers on 127.0.0.1.</summary>
    /// <param name="brokerCount">1 to 16 brokers.</param>
    /// <param name="defaultPartitions">Partitions for <see cref="CreateTopic"/> when none are given (1 to 1024).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="InvalidOperationException">librdkafka could not create the client or the cluster.</exception>
    public static EmbeddedKafkaCluster Start(int brokerCount = 1, int defaultPartitions = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokerCount, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultPartitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(defaultPartitions, 1024);

        var api = Librdkafka.Api;
        var conf = api.ConfNew();
        nint handle;
        try
        {
            // This client never talks to a broker: it only hosts the mock cluster's book-keeping.
            Librdkafka.ConfSet(conf, "client.id", "clickpredict-embedded-kafka");
            // Errors only: without bootstrap.servers librdkafka would warn that it cannot connect.
            Librdkafka.ConfSet(conf, "log_level", "3");
            var errors = stackalloc byte[512];
            handle = api.New(Librdkafka.ProducerType, conf, errors, 512);
            if (handle == 0)
            {
                throw new InvalidOperationException("rd_kafka_new failed: " + Marshal.PtrToStringUTF8((nint)errors));
            }
        }
        catch
        {
            api.ConfDestroy(conf);
            throw;
        }

        // rd_kafka_new owns conf from here on.
        var cluster = api.MockClusterNew(handle, brokerCount);
        if (cluster == 0)
        {
            api.Destroy(handle);
            throw new InvalidOperationException($"rd_kafka_mock_cluster_new failed for {brokerCount} broker(s).");
        }

        api.MockGroupInitialRebalanceDelayMs(cluster, GroupInitialRebalanceDelayMs);
        var bootstraps = Marshal.PtrToStringUTF8((nint)api.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("rd_kafka_mock_cluster_bootstraps returned nothing.");
        var started = new EmbeddedKafkaCluster(handle, cluster, brokerCount, defaultPartitions, bootstraps);
        s_running[bootstraps] = started;
        return started;
    }

    /// <summary>The cluster of this process listening at <paramref name="bootstrapServers"/>, if any.</summary>
    internal static EmbeddedKafkaCluster? FindRunning(string bootstrapServers) =>
        s_running.TryGetValue(bootstrapServers, out var cluster) && !cluster.IsDisposed ? cluster : null;

    /// <summary>
    /// Creates a topic with <paramref name="partitions"/> partitions (or <see cref="DefaultPartitions"/>).
    /// </summary>
    /// <returns><c>true</c> if created, <c>false</c> if a topic of that name already existed (its
    /// partition count is left as it was).</returns>
    /// <exception cref="KafkaException">The mock refused the topic.</exception>
    public bool CreateTopic(string name, int? partitions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var count = partitions ?? DefaultPartitions;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var topic = Librdkafka.NullTerminated(name);
        lock (_gate)
        {
            var cluster = Live();
            PaceControlOperation();
            fixed (byte* t = topic)
            {
                var error = (ErrorCode)Librdkafka.Api.MockTopicCreate(cluster, t, count, ReplicationFactor);
                _lastControlAt = System.Diagnostics.Stopwatch.GetTimestamp();
                return error switch
                {
                    ErrorCode.NoError => true,
                    ErrorCode.TopicAlreadyExists => false,
                    _ => throw new KafkaException(error),
                };
            }
        }
    }

    /// <summary>
    /// Takes broker <paramref name="brokerId"/> down: its connections are closed and new ones are
    /// refused until <see cref="SetBrokerUp"/>. Partition leadership does not move.
    /// </summary>
    /// <param name="brokerId">1 to <see cref="BrokerCount"/>, or -1 for every broker.</param>
    public void SetBrokerDown(int brokerId) => BrokerCall(brokerId, down: true);

    /// <summary>Lets broker <paramref name="brokerId"/> (or -1: all) accept connections again.</summary>
    public void SetBrokerUp(int brokerId) => BrokerCall(brokerId, down: false);

    /// <summary>
    /// Makes the next <c>errors.Length</c> requests of type <paramref name="apiKey"/> (to any broker)
    /// fail with the given error codes, in order. Retriable codes (e.g.
    /// <see cref="ErrorCode.NotEnoughReplicas"/>) make clients retry; others fail the operation
    /// (a produce's delivery report carries the code). <see cref="ErrorCode.Local_Transport"/> makes
    /// the broker drop the connection instead of answering.
    /// </summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            return;
        }

        var codes = new int[errors.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            codes[i] = (int)errors[i];
        }

        lock (_gate)
        {
            var cluster = Live();
            fixed (int* c = codes)
            {
                Librdkafka.Api.MockPushRequestErrorsArray(cluster, (short)apiKey, (nuint)codes.Length, c);
            }
        }
    }

    /// <summary>Drops any errors still pushed for <paramref name="apiKey"/>.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey)
    {
        lock (_gate)
        {
            Librdkafka.Api.MockClearRequestErrors(Live(), (short)apiKey);
        }
    }

    /// <summary>
    /// Stops the brokers (closing their sockets) and frees the native client. Safe to call twice.
    /// Clients still connected see their connections drop and retry until they are disposed.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster == 0)
            {
                return;
            }

            s_running.TryRemove(new KeyValuePair<string, EmbeddedKafkaCluster>(BootstrapServers, this));
            var api = Librdkafka.Api;
            // The cluster belongs to the rd_kafka_t: it must go first, while its owner still exists.
            api.MockClusterDestroy(_cluster);
            _cluster = 0;
            api.Destroy(_handle);
            _handle = 0;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"EmbeddedKafkaCluster({BrokerCount} broker(s) at {BootstrapServers})";

    private void BrokerCall(int brokerId, bool down)
    {
        if (brokerId != -1 && (brokerId < 1 || brokerId > BrokerCount))
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"Broker ids are 1 to {BrokerCount}, or -1 for all.");
        }

        lock (_gate)
        {
            var cluster = Live();
            PaceControlOperation();
            var error = (ErrorCode)(down
                ? Librdkafka.Api.MockBrokerSetDown(cluster, brokerId)
                : Librdkafka.Api.MockBrokerSetUp(cluster, brokerId));
            _lastControlAt = System.Diagnostics.Stopwatch.GetTimestamp();
            if (error != ErrorCode.NoError)
            {
                throw new KafkaException(error);
            }
        }
    }

    /// <summary>
    /// Topic creation and broker up/down are requests to the mock cluster's thread, which wakes on a
    /// pipe byte. In librdkafka 2.16 that thread serves its request queue and only then drains the
    /// pipe, so a request sent right after the previous reply can have its wake-up byte drained
    /// unseen and wait out the thread's 1 s poll timeout. Leaving the thread a moment to finish its
    /// loop after a reply avoids that stall. Called under <see cref="_gate"/>.
    /// </summary>
    private void PaceControlOperation()
    {
        var wait = _lastControlAt + s_controlGap - System.Diagnostics.Stopwatch.GetTimestamp();
        if (_lastControlAt != 0 && wait > 0)
        {
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, wait * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency)));
        }
    }

    private nint Live()
    {
        ObjectDisposedException.ThrowIf(_cluster == 0, this);
        return _cluster;
    }
}
