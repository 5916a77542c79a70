using System.Text;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;

namespace ClickPredict.Kafka.Tests;

public class EmbeddedKafkaClusterTests
{
    [Fact]
    public void Start_ListensOnLoopback_WithOneAddressPerBroker()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3, defaultPartitions: 2);

        var servers = cluster.BootstrapServers.Split(',');
        Assert.Equal(3, servers.Length);
        Assert.All(servers, s => Assert.StartsWith("127.0.0.1:", s));
        Assert.Equal(3, servers.Distinct().Count());

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        Assert.All(metadata.Brokers, b => Assert.Equal("127.0.0.1", b.Host));
    }

    [Fact]
    public void CreateTopic_GivesRequestedOrDefaultPartitions_AndLeavesExistingTopicsAlone()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 1, defaultPartitions: 3);

        Assert.True(cluster.CreateTopic("six", 6));
        Assert.True(cluster.CreateTopic("default"));
        Assert.False(cluster.CreateTopic("six", 2));

        Assert.Equal(6, TestKafka.PartitionCount(cluster.BootstrapServers, "six"));
        Assert.Equal(3, TestKafka.PartitionCount(cluster.BootstrapServers, "default"));
    }

    [Fact]
    public void ProduceConsume_RoundTripsEveryMessage_AndKeepsEachKeyInOnePartition()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 2, defaultPartitions: 4);
        cluster.CreateTopic("bids");
        var clients = TestKafka.Factory(TestKafka.OptionsFor(cluster));
        const int Keys = 12, PerKey = 5;
        using (var producer = TestKafka.Producer(clients))
        {
            for (var i = 0; i < PerKey; i++)
            {
                for (var k = 0; k < Keys; k++)
                {
                    Assert.True(producer.TryProduce("bids", $"bid-{k}", Encoding.UTF8.GetBytes($"bid-{k}/{i}")));
                }
            }

            Assert.Equal(0, producer.Flush(TestKafka.Patience));
            Assert.Equal(Keys * PerKey, producer.Delivered);
        }

        var read = TestKafka.ReadTopic(cluster.BootstrapServers, "bids", 4, Keys * PerKey);

        Assert.Equal(Keys * PerKey, read.Count);
        foreach (var byKey in read.GroupBy(r => r.Message.Key))
        {
            Assert.Single(byKey.Select(r => r.Partition.Value).Distinct());
            // One partition keeps the order in which a key's events were produced.
            var values = byKey.OrderBy(r => r.Offset.Value).Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
            Assert.Equal(Enumerable.Range(0, PerKey).Select(i => $"{byKey.Key}/{i}"), values);
        }

        // Twelve keys over four partitions: the keys do spread.
        Assert.True(read.Select(r => r.Partition.Value).Distinct().Count() > 1);
    }

    [Fact]
    public void NativeLibrary_IsTheOneConfluentKafkaLoaded()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            producer.Produce("t", new Message<Null, string> { Value = "x" });
            producer.Flush(TestKafka.Patience);
        }

        // Exactly one librdkafka image is mapped into the process: the mock API and Confluent share it.
        var images = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("rdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();
        Assert.Single(images);
    }

    [Fact]
    public void Dispose_IsIdempotent_RefusesFurtherCalls_AndASecondClusterStartsAfterwards()
    {
        var first = EmbeddedKafkaCluster.Start();
        var firstServers = first.BootstrapServers;
        first.CreateTopic("t");
        first.Dispose();
        first.Dispose();

        Assert.True(first.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => first.CreateTopic("u"));
        Assert.Throws<ObjectDisposedException>(() => first.SetBrokerDown(1));
        Assert.Throws<ObjectDisposedException>(() => first.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas));

        using var second = EmbeddedKafkaCluster.Start();
        second.CreateTopic("t", 1);
        var clients = TestKafka.Factory(TestKafka.OptionsFor(second));
        using (var producer = TestKafka.Producer(clients))
        {
            Assert.True(producer.TryProduce("t", "k", [1, 2, 3]));
            Assert.Equal(0, producer.Flush(TestKafka.Patience));
            Assert.Equal(1, producer.Delivered);
        }

        Assert.Single(TestKafka.ReadTopic(second.BootstrapServers, "t", 1, 1));
        Assert.NotNull(firstServers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-2)]
    public void SetBrokerDown_RejectsUnknownBrokerIds(int brokerId)
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(brokerId));
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(17, 4)]
    [InlineData(1, 0)]
    public void Start_RejectsOutOfRangeCounts(int brokers, int partitions)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddedKafkaCluster.Start(brokers, partitions));
    }
}
