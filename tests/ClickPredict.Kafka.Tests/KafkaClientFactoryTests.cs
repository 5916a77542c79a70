using System.Text;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;

namespace ClickPredict.Kafka.Tests;

public class KafkaClientFactoryTests
{
    [Fact]
    public void CreateConsumerConfig_CommitsOnlyStoredOffsets_AndAppliesExtraClientProperties()
    {
        var options = new KafkaOptions { BootstrapServers = "kafka-1:9092,kafka-2:9092", ClientId = "trainer" };
        options.Client["security.protocol"] = "SASL_SSL";
        options.Client["auto.commit.interval.ms"] = "250";

        var config = TestKafka.Factory(options).CreateConsumerConfig("joiners");

        Assert.Equal("kafka-1:9092,kafka-2:9092", config.BootstrapServers);
        Assert.Equal("trainer", config.ClientId);
        Assert.Equal("joiners", config.GroupId);
        Assert.True(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
        // Extra properties are applied last, so they win.
        Assert.Equal(250, config.AutoCommitIntervalMs);
    }

    [Fact]
    public void CreateReaderConfig_CommitsNothing_BoundsTheFetchWait_AndAppliesExtraClientProperties()
    {
        var options = new KafkaOptions { BootstrapServers = "kafka-1:9092", ClientId = "bidder" };
        options.Client["security.protocol"] = "SASL_SSL";

        var config = TestKafka.Factory(options).CreateReaderConfig("spend-reader", fetchWaitMaxMs: 15);

        Assert.Equal("kafka-1:9092", config.BootstrapServers);
        Assert.Equal("bidder", config.ClientId);
        Assert.Equal("spend-reader", config.GroupId);
        Assert.False(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(15, config.FetchWaitMaxMs);
        Assert.Equal("SASL_SSL", config.Get("security.protocol"));
    }

    [Fact]
    public void SupportsTimeLookups_OnlyOnAClusterThatIsNotTheEmbeddedBroker()
    {
        Assert.True(TestKafka.Factory(new KafkaOptions { BootstrapServers = "kafka-1:9092" }).SupportsTimeLookups);

        // librdkafka's mock answers a lookup by time with the end offset: a reader must not trust it.
        using var cluster = EmbeddedKafkaCluster.Start();
        Assert.False(TestKafka.Factory(new KafkaOptions { BootstrapServers = cluster.BootstrapServers }).SupportsTimeLookups);
    }

    [Fact]
    public void CreateProducerConfig_CarriesTheConfiguredBounds()
    {
        var options = new KafkaOptions { BootstrapServers = "kafka:9092" };
        options.Producer.QueueMaxMessages = 1234;
        options.Producer.QueueMaxKbytes = 2048;
        options.Producer.MessageTimeoutMs = 4321;
        options.Producer.LingerMs = 7;
        options.Client["sasl.mechanism"] = "PLAIN";

        var config = TestKafka.Factory(options).CreateProducerConfig();

        Assert.Equal(1234, config.QueueBufferingMaxMessages);
        Assert.Equal(2048, config.QueueBufferingMaxKbytes);
        Assert.Equal(4321, config.MessageTimeoutMs);
        Assert.Equal(7, config.LingerMs);
        Assert.Equal(Partitioner.Murmur2Random, config.Partitioner);
        Assert.Equal(SaslMechanism.Plain, config.SaslMechanism);
    }

    [Fact]
    public void Constructor_RefusesEmbeddedWithoutABroker()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestKafka.Factory(new KafkaOptions()));

        Assert.Contains("Kafka:BootstrapServers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsumerGroup_ResumesAfterTheLastStoredOffset_NotAfterTheLastConsumedOne()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("examples", 1);
        // The mock holds a group's rebalance after a member leaves for the session timeout less 1 s.
        var clients = TestKafka.Factory(TestKafka.OptionsFor(cluster, o =>
        {
            o.Client["session.timeout.ms"] = "1500";
            o.Client["heartbeat.interval.ms"] = "300";
        }));
        using (var producer = TestKafka.Producer(clients))
        {
            for (var i = 0; i < 6; i++)
            {
                producer.TryProduce("examples", "bid-" + i, Encoding.UTF8.GetBytes("example-" + i));
            }

            Assert.Equal(0, producer.Flush(TestKafka.Patience));
        }

        // A worker reads all six but only the first three become durable before it stops.
        var first = ConsumeInGroup(clients, "learner", 6, storeFirst: 3);
        Assert.Equal(6, first.Count);

        // Its successor in the group starts right after the last stored offset.
        var second = ConsumeInGroup(clients, "learner", 3, storeFirst: 3);
        Assert.Equal(["example-3", "example-4", "example-5"], second);
    }

    [Fact]
    public async Task EnsureTopicsAsync_CreatesMissingTopicsWithTheWantedPartitions_OnAClusterOfThisProcess()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("clickpredict.bids", 2);
        var clients = TestKafka.Factory(TestKafka.OptionsFor(cluster, o => o.Partitions = 6));

        var created = await clients.EnsureTopicsAsync();

        Assert.Equal(["clickpredict.impressions", "clickpredict.clicks", "clickpredict.examples", "clickpredict.losses"], created);
        Assert.Equal(6, TestKafka.PartitionCount(cluster.BootstrapServers, "clickpredict.clicks"));
        // An existing topic is left as it is.
        Assert.Equal(2, TestKafka.PartitionCount(cluster.BootstrapServers, "clickpredict.bids"));
        Assert.Empty(await clients.EnsureTopicsAsync());
        Assert.Equal(["extra"], await clients.EnsureTopicsAsync(["extra"], partitions: 1));
        Assert.Equal(1, TestKafka.PartitionCount(cluster.BootstrapServers, "extra"));
    }

    [Fact]
    public async Task EnsureTopicsAsync_OnAnotherProcesssEmbeddedBroker_LetsTheBrokerCreateTheTopic()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var owner = EmbeddedKafkaBroker.Acquire(EmbeddedKafkaBrokerTests.Options(directory));
        using var joined = EmbeddedKafkaBroker.Acquire(EmbeddedKafkaBrokerTests.Options(directory));
        Assert.False(joined.IsOwner);
        var clients = TestKafka.Factory(EmbeddedKafkaBrokerTests.Options(directory), joined);

        var created = await clients.EnsureTopicsAsync(["joiner.only"]);

        Assert.Equal(["joiner.only"], created);
        Assert.Equal(EmbeddedKafkaCluster.AutoCreatedTopicPartitions, TestKafka.PartitionCount(owner.BootstrapServers, "joiner.only"));
        // The owner created the configured topics before advertising: nothing left to create.
        Assert.Empty(await clients.EnsureTopicsAsync());
    }

    [Fact]
    public async Task EnsureTopicsAsync_FailsWithAKafkaException_WhenTheClusterIsUnreachable()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var servers = cluster.BootstrapServers;
        cluster.SetBrokerDown(-1);
        var clients = TestKafka.Factory(new KafkaOptions { BootstrapServers = servers });
        clients.AdminTimeout = TimeSpan.FromMilliseconds(500);

        await Assert.ThrowsAnyAsync<KafkaException>(() => clients.EnsureTopicsAsync());
    }

    /// <summary>Consumes <paramref name="count"/> messages in <paramref name="group"/>, storing the offsets of the first <paramref name="storeFirst"/>, then closes (which commits what was stored).</summary>
    private static List<string> ConsumeInGroup(KafkaClientFactory clients, string group, int count, int storeFirst)
    {
        var values = new List<string>();
        using var consumer = new ConsumerBuilder<string, byte[]>(clients.CreateConsumerConfig(group)).Build();
        consumer.Subscribe("examples");
        var deadline = Environment.TickCount64 + (long)TestKafka.Patience.TotalMilliseconds;
        while (values.Count < count && Environment.TickCount64 < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                continue;
            }

            values.Add(Encoding.UTF8.GetString(result.Message.Value));
            if (values.Count <= storeFirst)
            {
                consumer.StoreOffset(result);
            }
        }

        consumer.Close();
        return values;
    }
}
