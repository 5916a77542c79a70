using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Kafka.Tests;

/// <summary>Shared helpers: options for a test cluster, bounded waits, reading a topic back.</summary>
internal static class TestKafka
{
    /// <summary>Upper bound of any wait; a passing run needs a small fraction of it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Options pointing at <paramref name="cluster"/> by address, with quick reconnects.</summary>
    public static KafkaOptions OptionsFor(EmbeddedKafkaCluster cluster, Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions { BootstrapServers = cluster.BootstrapServers };
        QuickReconnects(options);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Reconnect within a fraction of a second after a broker comes back (librdkafka's default backs off up to 10 s).</summary>
    public static void QuickReconnects(KafkaOptions options)
    {
        options.Client["reconnect.backoff.ms"] = "20";
        options.Client["reconnect.backoff.max.ms"] = "200";
    }

    public static KafkaClientFactory Factory(KafkaOptions options, EmbeddedKafkaBroker? broker = null) =>
        new(Options.Create(options), logger: null, broker);

    public static EventProducer Producer(KafkaClientFactory clients, TestMeterFactory? meters = null) =>
        new(clients, meters ?? new TestMeterFactory(), logger: null);

    /// <summary>A private temporary discovery directory, removed on dispose.</summary>
    public static TempDirectory DiscoveryDirectory() => new();

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Patience"/> runs out.</summary>
    public static bool Eventually(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }

    /// <summary>Reads every partition of <paramref name="topic"/> from the start until <paramref name="count"/> messages arrived (bounded).</summary>
    public static List<ConsumeResult<string, byte[]>> ReadTopic(string bootstrapServers, string topic, int partitions, int count)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string, byte[]>>();
        var deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (results.Count < count && Environment.TickCount64 < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is not null)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    /// <summary>Partition count of <paramref name="topic"/> as the brokers report it (0 if absent).</summary>
    public static int PartitionCount(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers, AllowAutoCreateTopics = false }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        return metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)?.Partitions.Count ?? 0;
    }
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clickpredict-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Advertisement => System.IO.Path.Combine(Path, "kafka-embedded.json");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
