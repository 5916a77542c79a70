using System.Net;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ClickPredict.Bidder.Tests.Events;

public sealed class KafkaDownTests : IDisposable
{
    private readonly BidderFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Bidding_WithKafkaUnreachable_GoesOnAndCountsDroppedEvents()
    {
        // A cluster nobody listens at, and a producer buffer of five events.
        _factory.Settings["Kafka:BootstrapServers"] = "127.0.0.1:9";
        _factory.Settings["Kafka:Producer:QueueMaxMessages"] = "5";
        _factory.Settings["Kafka:CreateTopics"] = "false";
        _factory.Settings["Kafka:Producer:FlushTimeoutMs"] = "100";
        // Without Kafka at start a fleet bidder bids only when configured to (on its own spend).
        _factory.Settings["Fleet:StartWithoutKafka"] = "true";
        _factory.Settings["Fleet:ConnectTimeoutMs"] = "500";
        _factory.Publish(TestModels.Create(seed: 95));
        var client = _factory.Client;
        using var events = new MetricCollector<long>(_factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, "clickpredict.bidder.events");

        foreach (var body in SimBodies.Json(30, seed: 96))
        {
            using var response = await client.PostBid(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The handler logs a bid's event after it has written the answer: the last one may land just after
        // the client has read its response.
        for (var waited = 0; events.GetMeasurementSnapshot().Count < 30 && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        var outcomes = events.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).ToList();
        Assert.Equal(30, outcomes.Count);
        Assert.Equal(5, outcomes.Count(o => o == "queued"));
        Assert.Equal(25, outcomes.Count(o => o == "dropped"));
        Assert.Contains("clickpredict_kafka_dropped_total", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }
}
