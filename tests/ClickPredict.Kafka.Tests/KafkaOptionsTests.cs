using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClickPredict.Kafka.Tests;

public class KafkaOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndSelectTheEmbeddedBroker()
    {
        var options = new KafkaOptions();

        Assert.True(new KafkaOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(options.UsesEmbeddedBroker);
        Assert.Equal(["clickpredict.bids", "clickpredict.impressions", "clickpredict.clicks", "clickpredict.examples", "clickpredict.losses"], options.Topics.All);
        Assert.Equal(4, options.Partitions);
        Assert.Equal(100_000, options.Producer.QueueMaxMessages);
    }

    [Theory]
    [InlineData("Kafka:Topics:Bids", "", "Kafka:Topics:Bids must not be empty")]
    [InlineData("Kafka:Topics:Clicks", "clicks with spaces", "Kafka:Topics:Clicks 'clicks with spaces' is not a valid Kafka topic name")]
    [InlineData("Kafka:Topics:Examples", "clickpredict.bids", "the name 'clickpredict.bids' is used for more than one topic")]
    [InlineData("Kafka:BootstrapServers", "", "Kafka:BootstrapServers must not be empty")]
    [InlineData("Kafka:BootstrapServers", "kafka-1:9092,kafka-2", "Kafka:BootstrapServers has 'kafka-2', which is not host:port")]
    [InlineData("Kafka:BootstrapServers", "kafka:70000", "Kafka:BootstrapServers has 'kafka:70000'")]
    [InlineData("Kafka:Partitions", "0", "Kafka:Partitions must be between 1 and 10000, but was 0")]
    [InlineData("Kafka:ReplicationFactor", "0", "Kafka:ReplicationFactor must be -1 (broker default) or at least 1")]
    [InlineData("Kafka:Producer:QueueMaxMessages", "0", "Kafka:Producer:QueueMaxMessages must be between 1 and")]
    [InlineData("Kafka:Producer:LingerMs", "-1", "Kafka:Producer:LingerMs must be between 0 and 900000, but was -1")]
    [InlineData("Kafka:Producer:MessageTimeoutMs", "0", "Kafka:Producer:MessageTimeoutMs must be between 1 and")]
    [InlineData("Kafka:Embedded:Brokers", "17", "Kafka:Embedded:Brokers must be between 1 and 16, but was 17")]
    [InlineData("Kafka:ClientId", " ", "Kafka:ClientId must not be empty")]
    [InlineData("Kafka:Client:bootstrap.servers", "x:1", "Kafka:Client:bootstrap.servers is not allowed; set Kafka:BootstrapServers instead")]
    public async Task HostStart_FailsWithAMessageNamingTheBadKey(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_ReportsEveryBadKeyAtOnce()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Kafka:Topics:Bids"] = "",
            ["Kafka:Embedded:Brokers"] = "0",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith("Kafka:Topics:Bids", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Kafka:Embedded:Brokers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Kafka:BootstrapServer", "BootstrapServer")]
    [InlineData("Kafka:Topics:Bid", "Bid")]
    [InlineData("Kafka:Producer:Linger", "Linger")]
    [InlineData("Kafka:Embedded:Broker", "Broker")]
    public async Task HostStart_WithAnUnknownKey_FailsNamingIt(string key, string name)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = "1" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_ReadsEveryKeyFromConfiguration()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "kafka-1:9092, kafka-2:9093",
            ["Kafka:ClientId"] = "bidder-7",
            ["Kafka:Topics:Bids"] = "b",
            ["Kafka:Topics:Impressions"] = "i",
            ["Kafka:Topics:Clicks"] = "c",
            ["Kafka:Topics:Examples"] = "e",
            ["Kafka:Topics:Losses"] = "l",
            ["Kafka:Partitions"] = "12",
            ["Kafka:ReplicationFactor"] = "3",
            ["Kafka:CreateTopics"] = "false",
            ["Kafka:Producer:QueueMaxMessages"] = "500",
            ["Kafka:Producer:QueueMaxKbytes"] = "1024",
            ["Kafka:Producer:MessageTimeoutMs"] = "9000",
            ["Kafka:Producer:LingerMs"] = "2",
            ["Kafka:Producer:FlushTimeoutMs"] = "100",
            ["Kafka:Embedded:Brokers"] = "3",
            ["Kafka:Embedded:Shared"] = "false",
            ["Kafka:Embedded:DiscoveryDirectory"] = "/tmp/somewhere",
            ["Kafka:Client:security.protocol"] = "SASL_SSL",
            ["Kafka:Client:sasl.username"] = "svc",
        });

        var options = host.Services.GetRequiredService<IOptions<KafkaOptions>>().Value;

        Assert.False(options.UsesEmbeddedBroker);
        Assert.Equal("kafka-1:9092, kafka-2:9093", options.BootstrapServers);
        Assert.Equal("bidder-7", options.ClientId);
        Assert.Equal(["b", "i", "c", "e", "l"], options.Topics.All);
        Assert.Equal(12, options.Partitions);
        Assert.Equal(3, options.ReplicationFactor);
        Assert.False(options.CreateTopics);
        Assert.Equal(500, options.Producer.QueueMaxMessages);
        Assert.Equal(1024, options.Producer.QueueMaxKbytes);
        Assert.Equal(9000, options.Producer.MessageTimeoutMs);
        Assert.Equal(2, options.Producer.LingerMs);
        Assert.Equal(100, options.Producer.FlushTimeoutMs);
        Assert.Equal(3, options.Embedded.Brokers);
        Assert.False(options.Embedded.Shared);
        Assert.Equal("/tmp/somewhere", options.Embedded.DiscoveryDirectory);
        Assert.Equal("SASL_SSL", options.Client["security.protocol"]);
        Assert.Equal("svc", options.Client["sasl.username"]);
        // The resolved factory uses the real cluster's address as given.
        Assert.Equal("kafka-1:9092, kafka-2:9093", host.Services.GetRequiredService<KafkaClientFactory>().BootstrapServers);
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData(" Embedded ")]
    [InlineData("EMBEDDED")]
    public void UsesEmbeddedBroker_IgnoresCaseAndSpaces(string value)
    {
        Assert.True(new KafkaOptions { BootstrapServers = value }.UsesEmbeddedBroker);
        Assert.True(new KafkaOptionsValidator().Validate(null, new KafkaOptions { BootstrapServers = value }).Succeeded);
    }

    [Theory]
    [InlineData("localhost:9092")]
    [InlineData("SASL_SSL://broker.example.com:9094,broker2.example.com:9094")]
    [InlineData("[::1]:9092")]
    public void Validate_AcceptsRealClusterAddresses(string servers)
    {
        Assert.True(new KafkaOptionsValidator().Validate(null, new KafkaOptions { BootstrapServers = servers }).Succeeded);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddClickPredictKafka();
        return builder.Build();
    }
}
