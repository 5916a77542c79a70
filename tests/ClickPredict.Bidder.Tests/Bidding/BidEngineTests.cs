using System.Buffers;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Bidder.Tools;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;

namespace ClickPredict.Bidder.Tests.Bidding;

public sealed class BidEngineTests
{
    private static readonly StandaloneEngine s_engine = new(Repo.CampaignsFile, TestModels.Create(seed: 5));

    [Fact]
    public void Process_SteadyState_AllocatesLessThanAKilobytePerRequest()
    {
        var engine = new StandaloneEngine(Repo.CampaignsFile, TestModels.Create(seed: 6));
        var bodies = SimBodies.Json(100, seed: 17).Select(b => (ReadOnlyMemory<byte>)b).ToArray();
        var msgpack = bodies.Select(b => (ReadOnlyMemory<byte>)SimBodies.ToMessagePack(b.ToArray())).ToArray();
        for (var warm = 0; warm < 3; warm++)
        {
            foreach (var body in bodies)
            {
                engine.Process(body);
            }

            foreach (var body in msgpack)
            {
                engine.Process(body, BodyFormat.MessagePack);
            }
        }

        var bids = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 5; round++)
        {
            foreach (var body in bodies)
            {
                bids += engine.Process(body) ? 1 : 0;
            }

            foreach (var body in msgpack)
            {
                bids += engine.Process(body, BodyFormat.MessagePack) ? 1 : 0;
            }
        }

        var perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        Assert.True(bids > 800);
        Assert.True(perRequest < 1024, $"{perRequest} bytes per request");
    }

    [Fact]
    public void BidEvent_WrittenWithoutTheContract_ReadsBackAsTheContract()
    {
        var body = SimBodies.One(seed: 19);
        Assert.True(s_engine.Process(body));
        var buffer = new ArrayBufferWriter<byte>();
        s_engine.SerializeBidEvents(buffer);
        var e = EventSerializer.Deserialize<BidEvent>(buffer.WrittenMemory);

        var ctx = s_engine.Context;
        var bid = ctx.Bids[0];
        Assert.Equal(BidIds.ToString(bid.Id), e.BidId);
        Assert.Equal(ctx.Request.GetString(ctx.Request.Id), e.RequestId);
        Assert.Equal("1", e.ImpId);
        Assert.Equal(ctx.ReceivedUtc.ToUnixTimeMilliseconds(), e.TimeUnixMs);
        Assert.Equal("sim", e.Exchange);
        Assert.Equal(("ctr-test", 1), (e.ModelId, e.ModelVersion));
        Assert.Equal(TestModels.Spec.FingerprintHex, e.SpecFingerprint);
        Assert.Equal(bid.Pctr, e.PCtr);
        Assert.Equal(bid.Price, e.PriceCpm);
        Assert.Equal(("USD", ctx.Request.AuctionType), (e.Currency, e.AuctionType));
        Assert.Equal((bid.Creative.Campaign.Id, bid.Creative.Id, bid.Creative.Campaign.Advertiser.Id), (e.CampaignId, e.CreativeId, e.AdvertiserId));
        Assert.Equal("openrtb", e.Schema);

        // The same fields the extractor gives for the request and the chosen creative, by name.
        var values = new FieldValues(FieldSchema.OpenRtb);
        ClickPredict.Core.OpenRtb.OpenRtbFieldExtractor.ExtractRequest(ctx.Request, 0, ctx.ReceivedUtc, "sim"u8, values);
        ClickPredict.Core.OpenRtb.OpenRtbFieldExtractor.ExtractCandidate(bid.Creative.Candidate, values);
        Assert.Equal(values.ToDictionary(), e.Fields);
    }

    [Fact]
    public void Process_ShippedCampaigns_UseExactlyTheSimulatorsDemoIds()
    {
        var catalog = ExpectedBids.ShippedCatalog;
        var demo = ClickPredict.Core.Simulation.SimCreative.DemoSet;
        Assert.Equal(
            demo.Select(c => (c.CreativeId, c.CampaignId, c.AdvertiserId, c.Width, c.Height)).Order(),
            catalog.Creatives.Select(c => (c.Id, c.Campaign.Id, c.Campaign.Advertiser.Id, c.Width, c.Height)).Order());
        Assert.All(catalog.Campaigns, c => Assert.Empty(c.Countries));
        Assert.All(catalog.Campaigns, c => Assert.Empty(c.Sites));
        Assert.All(catalog.Campaigns, c => Assert.Empty(c.DeviceTypes));
    }
}
