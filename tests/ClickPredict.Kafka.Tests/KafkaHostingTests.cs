using System.Diagnostics.Metrics;
using ClickPredict.Kafka.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClickPredict.Kafka.Tests;

public class KafkaHostingTests
{
    [Fact]
    public async Task Host_WithEmbeddedKafka_AdvertisesTheBroker_LogsEvents_AndCleansUpAtShutdown()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        var host = BuildHost(new()
        {
            ["Kafka:Embedded:DiscoveryDirectory"] = directory.Path,
            ["Kafka:Partitions"] = "3",
        });
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var produced = new ProducedCounter(meters);

        await host.StartAsync();
        var broker = host.Services.GetRequiredService<EmbeddedKafkaBroker>();
        var clients = host.Services.GetRequiredService<KafkaClientFactory>();
        var producer = host.Services.GetRequiredService<EventProducer>();

        Assert.True(broker.IsOwner);
        Assert.True(File.Exists(directory.Advertisement));
        Assert.Equal(broker.BootstrapServers, clients.BootstrapServers);
        Assert.Equal(3, TestKafka.PartitionCount(clients.BootstrapServers, "clickpredict.clicks"));
        Assert.Same(producer, host.Services.GetRequiredService<EventProducer>());
        Assert.True(producer.TryProduce(clients.Options.Topics.Bids, "bid-1", [1, 2]));
        Assert.Equal(0, producer.Flush(TestKafka.Patience));
        Assert.Equal(1, produced.Value);
        Assert.Single(TestKafka.ReadTopic(clients.BootstrapServers, "clickpredict.bids", 3, 1));

        await host.StopAsync();
        host.Dispose();

        Assert.False(File.Exists(directory.Advertisement));
        Assert.True(broker.Cluster!.IsDisposed);
        Assert.False(producer.TryProduce("clickpredict.bids", "late", [0]));
    }

    [Fact]
    public async Task SecondHost_JoinsTheFirstHostsBroker_AndItsEventsArriveThere()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        var settings = new Dictionary<string, string?> { ["Kafka:Embedded:DiscoveryDirectory"] = directory.Path };
        using var bidder = BuildHost(settings);
        using var trainer = BuildHost(settings);
        await bidder.StartAsync();
        await trainer.StartAsync();

        var owner = bidder.Services.GetRequiredService<EmbeddedKafkaBroker>();
        var joined = trainer.Services.GetRequiredService<EmbeddedKafkaBroker>();
        Assert.True(owner.IsOwner);
        Assert.False(joined.IsOwner);
        Assert.Equal(owner.BootstrapServers, joined.BootstrapServers);

        var producer = trainer.Services.GetRequiredService<EventProducer>();
        Assert.True(producer.TryProduce("clickpredict.examples", "bid-9", [9]));
        Assert.Equal(0, producer.Flush(TestKafka.Patience));
        Assert.Single(TestKafka.ReadTopic(owner.BootstrapServers, "clickpredict.examples", 4, 1));

        await trainer.StopAsync();
        await bidder.StopAsync();
    }

    [Fact]
    public async Task Host_WithAnExplicitAddress_StartsNoBroker_AndCreatesTheTopicsThere()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        using var host = BuildHost(new()
        {
            ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:Topics:Bids"] = "explicit.bids",
            ["Kafka:Partitions"] = "2",
        });

        await host.StartAsync();

        Assert.Equal(cluster.BootstrapServers, host.Services.GetRequiredService<KafkaClientFactory>().BootstrapServers);
        Assert.Null(host.Services.GetRequiredService<KafkaClientFactory>().EmbeddedBroker);
        Assert.True(TestKafka.Eventually(() => TestKafka.PartitionCount(cluster.BootstrapServers, "explicit.bids") == 2));
        await host.StopAsync();
    }

    [Fact]
    public void AddClickPredictKafka_Twice_RegistersOnce()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddClickPredictKafka();
        var count = builder.Services.Count;

        builder.AddClickPredictKafka();

        Assert.Equal(count, builder.Services.Count);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddClickPredictKafka();
        return builder.Build();
    }

    /// <summary>Sums clickpredict.kafka.produced from the meters of one host's meter factory.</summary>
    private sealed class ProducedCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public ProducedCounter(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "clickpredict.kafka.produced")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _value, value));
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }
}
