using System.Text.Json;
using ClickPredict.Benchmarks.Bidder;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Hashing;
using ClickPredict.Core.OpenRtb;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Events;

/// <summary>Bid events as the real event log writes them, from requests through the real handler.</summary>
public sealed class BidEventTests
{
    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BidEvent_WrittenWithoutTheContract_ReadsBackAsTheContract()
    {
        var transport = new CapturingTransport();
        var model = TestModels.Create(seed: 5);
        using var bidder = new InProcessBidder(Repo.Root, model, events: transport, time: new TestClock(s_now));
        var body = SimBodies.One(seed: 19);
        Assert.True(bidder.Post(body));
        var bid = Bid(bidder, 0);
        bidder.Events.Flush();

        var message = Assert.Single(transport.Messages);
        Assert.Equal((EventTopic.Bids, bid.Id), (message.Topic, message.Key));
        Assert.True(BidEventBatch.IsBatch(message.Value));
        var events = new List<BatchedBidEvent>();
        BidEventBatch.Split(message.Value, events);
        var e = EventSerializer.Deserialize<BidEvent>(Assert.Single(events).Event);
        // Padded to one of the few lengths the batcher reuses: here the next multiple of 64 with room for the pad's header.
        Assert.InRange(message.Value.Length - BidEventBatch.HeaderLength - events[0].Event.Length, 5, 64 + 4);

        var request = new BidRequest();
        BidRequestParser.Parse(body, request);
        Assert.Equal(bid.Id, e.BidId);
        Assert.Equal(request.GetString(request.Id), e.RequestId);
        Assert.Equal("1", e.ImpId);
        Assert.Equal(s_now.ToUnixTimeMilliseconds(), e.TimeUnixMs);
        Assert.Equal("sim", e.Exchange);
        Assert.Equal(("ctr-test", 1), (e.ModelId, e.ModelVersion));
        Assert.Equal(TestModels.Spec.FingerprintHex, e.SpecFingerprint);
        Assert.Equal(ExpectedBids.Best(model, body, s_now)!.Value.Pctr, e.PCtr);
        Assert.Equal(bid.Price, e.PriceCpm);
        Assert.Equal(("USD", request.AuctionType), (e.Currency, e.AuctionType));
        var creative = Creative(bidder, bid.CreativeId);
        Assert.Equal((creative.Campaign.Id, creative.Id, creative.Campaign.Advertiser.Id), (e.CampaignId, e.CreativeId, e.AdvertiserId));
        Assert.Equal("openrtb", e.Schema);

        // The same fields the extractor gives for the request and the chosen creative, by name; replayed, the same pCTR.
        var values = new FieldValues(FieldSchema.OpenRtb);
        OpenRtbFieldExtractor.ExtractRequest(request, 0, s_now, "sim"u8, values);
        OpenRtbFieldExtractor.ExtractCandidate(creative.Candidate, values);
        Assert.Equal(values.ToDictionary(), e.Fields);
        Assert.Equal(e.PCtr, model.Predict(values));
    }

    [Fact]
    public void BidEvents_OfARequestWithSeveralImps_CarryEachImpsOwnFields()
    {
        var transport = new CapturingTransport();
        var model = TestModels.Create(seed: 7);
        using var bidder = new InProcessBidder(Repo.Root, model, events: transport, time: new TestClock(s_now));
        // Three banner imps: the first as the simulator wrote it, then two of another size, tag, position and floor.
        var body = SimBodies.One(r =>
        {
            var imps = r["imp"]!.AsArray();
            var first = imps[0]!;
            for (var i = 2; i <= 3; i++)
            {
                var copy = first.DeepClone().AsObject();
                copy["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                copy["tagid"] = "slot-" + i;
                copy["bidfloor"] = 0.01 * i;
                var banner = copy["banner"]!.AsObject();
                banner.Remove("format");
                banner["w"] = i == 2 ? 300 : 728;
                banner["h"] = i == 2 ? 250 : 90;
                banner["pos"] = i;
                imps.Add(copy);
            }
        }, seed: 23);
        Assert.True(bidder.Post(body));
        var bidCount = JsonDocument.Parse(bidder.Response).RootElement.GetProperty("seatbid")[0].GetProperty("bid").GetArrayLength();
        Assert.True(bidCount >= 2, $"{bidCount} bids");
        bidder.Events.Flush();

        var request = new BidRequest();
        BidRequestParser.Parse(body, request);
        var events = LoggedEvents(transport);
        Assert.Equal(bidCount, events.Count);
        foreach (var e in events)
        {
            var imp = Enumerable.Range(0, request.ImpCount).Single(i => request.GetString(request.Imp(i).Id) == e.ImpId);
            var values = new FieldValues(FieldSchema.OpenRtb);
            OpenRtbFieldExtractor.ExtractRequest(request, imp, s_now, "sim"u8, values);
            OpenRtbFieldExtractor.ExtractCandidate(Creative(bidder, e.CreativeId).Candidate, values);
            Assert.Equal(values.ToDictionary(), e.Fields);
            Assert.Equal(e.PCtr, model.Predict(values));
        }
    }

    [Fact]
    public void BidEvents_ManyRequests_AreBatchedByThePartitionOfTheirBidIds()
    {
        var transport = new CapturingTransport(bidPartitions: 3);
        using var bidder = new InProcessBidder(Repo.Root, TestModels.Create(seed: 8), events: transport);
        var ids = new HashSet<string>();
        foreach (var body in SimBodies.Json(120, seed: 29))
        {
            if (bidder.Post(body))
            {
                ids.Add(Bid(bidder, 0).Id);
            }
        }

        bidder.Events.Flush();
        var logged = new List<string>();
        var events = new List<BatchedBidEvent>();
        foreach (var (topic, key, value) in transport.Messages)
        {
            Assert.Equal(EventTopic.Bids, topic);
            BidEventBatch.Split(value, events);
            Assert.Equal(key, events[0].BidId);
            var partition = KeyPartitioner.Partition(System.Text.Encoding.ASCII.GetBytes(key), 3);
            Assert.All(events, e => Assert.Equal(partition, KeyPartitioner.Partition(System.Text.Encoding.ASCII.GetBytes(e.BidId), 3)));
            Assert.True(value.Length <= BidEventBatch.PaddedLength(32 * 1024));
            logged.AddRange(events.Select(e => EventSerializer.Deserialize<BidEvent>(e.Event).BidId));
        }

        Assert.Equal(ids.Order(), logged.Order());
        Assert.InRange(transport.Messages.Count, 3, ids.Count / 4);
    }

    [Fact]
    public void BidEvents_PartitionsNotYetKnown_GoOneByOneKeyedByBidId()
    {
        var transport = new CapturingTransport(bidPartitions: null);
        using var bidder = new InProcessBidder(Repo.Root, TestModels.Create(seed: 9), events: transport);
        Assert.True(bidder.Post(SimBodies.One(seed: 31)));
        var bidId = Bid(bidder, 0).Id;
        bidder.Events.Flush();

        var message = Assert.Single(transport.Messages);
        Assert.Equal(bidId, message.Key);
        Assert.False(BidEventBatch.IsBatch(message.Value));
        Assert.Equal(bidId, EventSerializer.Deserialize<BidEvent>(message.Value).BidId);
    }

    [Fact]
    public void BidEvents_WithBatchingOff_GoOneByOne()
    {
        var transport = new CapturingTransport();
        using var bidder = new InProcessBidder(Repo.Root, TestModels.Create(seed: 10), new Dictionary<string, string?> { ["Bidder:EventBatchBytes"] = "0" }, transport);
        Assert.True(bidder.Post(SimBodies.One(seed: 37)));
        bidder.Events.Flush();
        Assert.False(BidEventBatch.IsBatch(Assert.Single(transport.Messages).Value));
    }

    private static List<BidEvent> LoggedEvents(CapturingTransport transport)
    {
        var events = new List<BatchedBidEvent>();
        var result = new List<BidEvent>();
        foreach (var (_, key, value) in transport.Messages)
        {
            BidEventBatch.SplitMessage(key, value, events);
            result.AddRange(events.Select(e => EventSerializer.Deserialize<BidEvent>(e.Event)));
        }

        return result;
    }

    private static Creative Creative(InProcessBidder bidder, string id) =>
        bidder.Services.GetRequiredService<CampaignCatalog>().Creatives.Single(c => c.Id == id);

    /// <summary>Bid <paramref name="index"/> of the last response: its id, price and creative.</summary>
    private static (string Id, decimal Price, string CreativeId) Bid(InProcessBidder bidder, int index)
    {
        var bid = JsonDocument.Parse(bidder.Response).RootElement.GetProperty("seatbid")[0].GetProperty("bid")[index];
        return (bid.GetProperty("id").GetString()!, bid.GetProperty("price").GetDecimal(), bid.GetProperty("crid").GetString()!);
    }
}
