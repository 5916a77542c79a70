using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClickPredict.Kafka.Embedded;

/// <summary>
/// This process's use of the embedded broker selected by <c>Kafka:BootstrapServers = embedded</c>: either
/// a broker another ClickPredict process on this machine already runs, or one this process starts.
/// </summary>
/// <remarks>
/// <para><b>Discovery.</b> A process that starts the broker advertises it in
/// <c>{DiscoveryDirectory}/kafka-embedded.json</c> (default directory <c>{temp}/clickpredict</c>,
/// set by <c>Kafka:Embedded:DiscoveryDirectory</c>): its pid, that process's start time and the
/// bootstrap servers. <see cref="Acquire"/> reads the file under an exclusive lock
/// (<c>kafka-embedded.lock</c> beside it, so two processes starting together agree on one broker)
/// and uses the advertised broker when the process is still the one that wrote it (pid and start
/// time match) and a broker accepts a TCP connection. Otherwise the advertisement is stale (process
/// gone, pid reused, port closed): it is ignored and replaced by this process's own broker.</para>
/// <para><b>Lifetime.</b> The process that started the broker owns it (<see cref="Cluster"/> is
/// set). <see cref="Dispose"/> removes the advertisement (only if it is still ours) and stops the
/// broker; processes using it then lose their connection, and the next one to start takes over.
/// A process that joined another's broker owns nothing and its <see cref="Dispose"/> does nothing
/// to the broker. Messages live in the owner's memory only.</para>
/// <para><b>Topics.</b> The owner creates the configured topics (<c>Kafka:Topics</c>) with
/// <c>Kafka:Partitions</c> partitions before it advertises, so a joining process finds them.
/// A joining process cannot choose partition counts (the mock broker does not serve the Admin
/// CreateTopics request): a topic only it uses is created by the broker on first use with
/// <see cref="EmbeddedKafkaCluster.AutoCreatedTopicPartitions"/> partitions.</para>
/// <para>With <c>Kafka:Embedded:Shared = false</c> the process starts a private broker and
/// neither reads nor writes the advertisement.</para>
/// </remarks>
public sealed class EmbeddedKafkaBroker : IDisposable
{
    private static readonly TimeSpan s_lockWait = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly string? _advertisementPath;
    private int _disposed;

    private EmbeddedKafkaBroker(string bootstrapServers, EmbeddedKafkaCluster? cluster, string? advertisementPath, int? ownerPid, ILogger logger)
    {
        BootstrapServers = bootstrapServers;
        Cluster = cluster;
        _advertisementPath = advertisementPath;
        OwnerPid = ownerPid ?? Environment.ProcessId;
        _logger = logger;
    }

    /// <summary>Default discovery directory: <c>{temp}/clickpredict</c>.</summary>
    public static string DefaultDiscoveryDirectory => Path.Combine(Path.GetTempPath(), "clickpredict");

    /// <summary>The broker's bootstrap servers (<c>127.0.0.1:port,...</c>).</summary>
    public string BootstrapServers { get; }

    /// <summary>The cluster, when this process started it (and can create topics and inject faults); null when joined.</summary>
    public EmbeddedKafkaCluster? Cluster { get; }

    /// <summary>Whether this process started (and owns) the broker.</summary>
    public bool IsOwner => Cluster is not null;

    /// <summary>The process running the broker.</summary>
    public int OwnerPid { get; }

    /// <summary>The advertisement file read or written, or null for a private broker.</summary>
    public string? AdvertisementPath => _advertisementPath;

    /// <summary>
    /// Joins the broker advertised in the discovery directory if it is alive, else starts one
    /// (creating the configured topics) and advertises it. See the class remarks.
    /// </summary>
    /// <exception cref="InvalidOperationException">The native mock cluster could not start.</exception>
    public static EmbeddedKafkaBroker Acquire(KafkaOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var embedded = options.Embedded;
        if (!embedded.Shared)
        {
            return StartOwn(options, advertisementPath: null, logger);
        }

        var directory = string.IsNullOrWhiteSpace(embedded.DiscoveryDirectory) ? DefaultDiscoveryDirectory : embedded.DiscoveryDirectory;
        var path = Path.Combine(directory, BrokerAdvertisement.FileName);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without a usable discovery directory the process still gets a broker, just not a shared one.
            Log.AdvertisementFailed(logger, path, e);
            return StartOwn(options, advertisementPath: null, logger);
        }

        using var discoveryLock = DiscoveryLock(directory, logger);

        var advertised = BrokerAdvertisement.TryRead(path, out var problem);
        if (advertised is not null)
        {
            if (advertised.IsAlive(out var reason))
            {
                Log.EmbeddedBrokerJoined(logger, advertised.Pid, advertised.BootstrapServers, path);
                return new EmbeddedKafkaBroker(advertised.BootstrapServers, cluster: null, path, advertised.Pid, logger);
            }

            Log.StaleAdvertisementIgnored(logger, path, reason);
        }
        else if (problem is not null)
        {
            Log.StaleAdvertisementIgnored(logger, path, problem);
        }

        return StartOwn(options, path, logger);
    }

    /// <summary>Removes our advertisement (if still ours) and stops the broker when this process owns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || Cluster is null)
        {
            return;
        }

        if (_advertisementPath is not null)
        {
            var directory = Path.GetDirectoryName(_advertisementPath)!;
            using var discoveryLock = DiscoveryLock(directory, _logger);
            var advertised = BrokerAdvertisement.TryRead(_advertisementPath, out _);
            if (advertised is not null && advertised.Pid == Environment.ProcessId
                && string.Equals(advertised.BootstrapServers, BootstrapServers, StringComparison.Ordinal))
            {
                try
                {
                    File.Delete(_advertisementPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Log.AdvertisementFailed(_logger, _advertisementPath, e);
                }
            }
        }

        Cluster.Dispose();
        Log.EmbeddedBrokerStopped(_logger, BootstrapServers);
    }

    /// <inheritdoc/>
    public override string ToString() => IsOwner
        ? $"EmbeddedKafkaBroker(owned, {BootstrapServers})"
        : $"EmbeddedKafkaBroker(of process {OwnerPid}, {BootstrapServers})";

    private static EmbeddedKafkaBroker StartOwn(KafkaOptions options, string? advertisementPath, ILogger logger)
    {
        var cluster = EmbeddedKafkaCluster.Start(options.Embedded.Brokers, options.Partitions);
        try
        {
            if (options.CreateTopics)
            {
                foreach (var topic in options.Topics.All)
                {
                    if (cluster.CreateTopic(topic, options.Partitions))
                    {
                        Log.TopicCreated(logger, topic, options.Partitions);
                    }
                }
            }

            if (advertisementPath is not null)
            {
                try
                {
                    BrokerAdvertisement.ForCurrentProcess(cluster.BootstrapServers, cluster.BrokerCount).Write(advertisementPath);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Still usable by this process; other processes just will not find it.
                    Log.AdvertisementFailed(logger, advertisementPath, e);
                }
            }

            Log.EmbeddedBrokerStarted(logger, cluster.BrokerCount, cluster.BootstrapServers, advertisementPath ?? "(not advertised)");
            return new EmbeddedKafkaBroker(cluster.BootstrapServers, cluster, advertisementPath, ownerPid: null, logger);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An exclusive lock on the discovery directory's lock file (an advisory <c>flock</c> on Unix,
    /// released when the handle closes, also when the process dies). Waits a bounded time.
    /// </summary>
    private static FileStream? DiscoveryLock(string directory, ILogger logger)
    {
        var path = Path.Combine(directory, BrokerAdvertisement.LockFileName);
        var deadline = Environment.TickCount64 + (long)s_lockWait.TotalMilliseconds;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException)
            {
                Log.DiscoveryLockTimeout(logger, path, (int)s_lockWait.TotalSeconds);
                return null;
            }
        }
    }
}
