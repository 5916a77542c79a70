using System.Net;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Events;

/// <summary>Through the embedded Kafka broker (librdkafka's mock cluster) the bidder's own process runs.</summary>
public sealed class EventLoggingTests(BidderFixture fixture) : IClassFixture<BidderFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Events_OfABidItsWinAndItsClick_ArriveOnTheirTopicsKeyedByBidId()
    {
        // Once the bids topic's partitions are known the bid goes in a batch (before, alone): wait, so it is a batch.
        var transport = fixture.Factory.Services.GetRequiredService<IEventTransport>();
        await Until.TrueAsync(() => transport.BidPartitions is not null, () => "the bids topic's partitions were never known");
        Assert.Equal(fixture.Factory.Services.GetRequiredService<KafkaClientFactory>().Options.Partitions, transport.BidPartitions);
        var body = SimBodies.One(seed: 41);
        var bid = await _client.BidOn(body);
        var bidId = bid.GetProperty("id").GetString()!;
        using (var win = await _client.GetAsync(NoticeUrls.Win(bid, 0.75m)))
        {
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        }

        // Refused notices log nothing: a replay and a forgery of the same bid.
        using (var replay = await _client.GetAsync(NoticeUrls.Win(bid, 0.75m)))
        {
            Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        }

        using (var forged = await _client.GetAsync(NoticeUrls.Win(bid, 0.75m).Replace("&p=", "&p=9", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        using (var clicked = await _client.GetAsync(NoticeUrls.Click(bid)))
        {
            Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
        }

        var topics = fixture.Factory.Services.GetRequiredService<KafkaClientFactory>().Options.Topics;
        var messages = Consume(bidId, [topics.Bids, topics.Impressions, topics.Clicks], expected: 3, out var batches);

        Assert.Equal(1, batches);
        var bidEvent = EventSerializer.Deserialize<BidEvent>(Assert.Single(messages[topics.Bids]));
        Assert.Equal(bidId, bidEvent.BidId);
        Assert.Equal(bidId, bidEvent.BidId);
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<string>(), bidEvent.RequestId);
        Assert.Equal("1", bidEvent.ImpId);
        Assert.Equal(BidderFactory.StartTime.ToUnixTimeMilliseconds(), bidEvent.TimeUnixMs);
        Assert.Equal("sim", bidEvent.Exchange);
        Assert.Equal(("ctr-test", 1), (bidEvent.ModelId, bidEvent.ModelVersion));
        Assert.Equal(fixture.Model.Spec.FingerprintHex, bidEvent.SpecFingerprint);
        Assert.Equal(bid.GetProperty("price").GetDecimal(), bidEvent.PriceCpm);
        Assert.Equal("USD", bidEvent.Currency);
        Assert.Equal(bid.GetProperty("crid").GetString(), bidEvent.CreativeId);
        Assert.Equal(bid.GetProperty("cid").GetString(), bidEvent.CampaignId);
        Assert.Equal("openrtb", bidEvent.Schema);
        Assert.Equal(ExpectedBids.Best(fixture.Model, body, BidderFactory.StartTime)!.Value.Pctr, bidEvent.PCtr);

        // Research-production parity: the logged raw fields, replayed offline, give the logged pCTR bit for bit.
        var values = new FieldValues(FieldSchema.OpenRtb);
        values.Load(bidEvent.Fields);
        Assert.Equal(bidEvent.PCtr, fixture.Model.Predict(values));
        Assert.Equal(bidEvent.CreativeId, bidEvent.Fields["creative.id"]);

        var impression = EventSerializer.Deserialize<ImpressionEvent>(Assert.Single(messages[topics.Impressions]));
        Assert.Equal((bidId, 0.75m, "USD", bidEvent.CampaignId), (impression.BidId, impression.ClearingPriceCpm, impression.Currency, impression.CampaignId));

        var click = EventSerializer.Deserialize<ClickEvent>(Assert.Single(messages[topics.Clicks]));
        Assert.Equal(bidId, click.BidId);
    }

    [Fact]
    public async Task Events_OfALossAndOfAWinWithItsMinimumBid_CarryWhatTheExchangeReported()
    {
        var lost = await _client.BidOn(SimBodies.One(seed: 42));
        var won = await _client.BidOn(SimBodies.One(seed: 43));
        using (var loss = await _client.GetAsync(NoticeUrls.Loss(lost, "102", "2.5")))
        {
            Assert.Equal(HttpStatusCode.NoContent, loss.StatusCode);
        }

        using (var replay = await _client.GetAsync(NoticeUrls.Loss(lost, "102", "2.5")))
        {
            Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        }

        using (var win = await _client.GetAsync(NoticeUrls.Win(won, 0.5m, minToWin: "0.45")))
        {
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        }

        var topics = fixture.Factory.Services.GetRequiredService<KafkaClientFactory>().Options.Topics;
        var lostId = lost.GetProperty("id").GetString()!;
        var lossEvent = EventSerializer.Deserialize<LossEvent>(Assert.Single(Consume(lostId, [topics.Losses, topics.Impressions], expected: 1, out _)[topics.Losses]));
        Assert.Equal((lostId, 102, 2.5m, lost.GetProperty("price").GetDecimal(), lost.GetProperty("cid").GetString()), (lossEvent.BidId, lossEvent.LossReason, lossEvent.MinToWinCpmUsd, lossEvent.BidPriceCpmUsd, lossEvent.CampaignId));
        Assert.Equal(BidderFactory.StartTime.ToUnixTimeMilliseconds(), lossEvent.BidTimeUnixMs);
        Assert.True(lossEvent.IsPriceLoss);

        var wonId = won.GetProperty("id").GetString()!;
        var impression = EventSerializer.Deserialize<ImpressionEvent>(Assert.Single(Consume(wonId, [topics.Losses, topics.Impressions], expected: 1, out _)[topics.Impressions]));
        Assert.Equal((wonId, 0.45m), (impression.BidId, impression.MinToWinCpmUsd));
    }

    /// <summary>
    /// Reads every partition of <paramref name="topics"/> from the start until <paramref name="expected"/> events of bid
    /// <paramref name="key"/> are in (bounded): messages keyed by it, and on the bids topic the events of it in a batch,
    /// which must sit in the partition its key gives (where the joiner looks for it).
    /// </summary>
    private Dictionary<string, List<byte[]>> Consume(string key, string[] topics, int expected, out int batches)
    {
        var batchCount = 0;
        var clients = fixture.Factory.Services.GetRequiredService<KafkaClientFactory>();
        var found = topics.ToDictionary(t => t, _ => new List<byte[]>());
        var batch = new List<BatchedBidEvent>();
        using var consumer = new ConsumerBuilder<string, byte[]>(clients.CreateConsumerConfig("bidder-tests-" + Guid.NewGuid().ToString("N"))).Build();
        consumer.Assign(topics.SelectMany(t => Enumerable.Range(0, clients.Options.Partitions).Select(p => new TopicPartitionOffset(t, p, Offset.Beginning))));
        var count = 0;

        void Take(ConsumeResult<string, byte[]>? result)
        {
            if (result?.Message is not { } message)
            {
                return;
            }

            BidEventBatch.SplitMessage(message.Key, message.Value, batch);
            foreach (var e in batch.Where(e => e.BidId == key))
            {
                batchCount += BidEventBatch.IsBatch(message.Value) ? 1 : 0;
                Assert.Equal(result.Partition.Value, Partition(message.Key, clients.Options.Partitions));
                Assert.Equal(result.Partition.Value, Partition(e.BidId, clients.Options.Partitions));
                found[result.Topic].Add(e.Event.ToArray());
                count++;
            }
        }

        for (var attempt = 0; attempt < 150 && count < expected; attempt++)
        {
            Take(consumer.Consume(TimeSpan.FromMilliseconds(100)));
        }

        // Anything more for this key (a second impression, say) would be a bug: give it a moment to show.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Take(consumer.Consume(TimeSpan.FromMilliseconds(100)));
        }

        consumer.Close();
        batches = batchCount;
        return found;
    }

    private static int Partition(string key, int partitions) => ClickPredict.Core.Hashing.KeyPartitioner.Partition(System.Text.Encoding.UTF8.GetBytes(key), partitions);
}
