using ClickPredict.Core.Events;

namespace ClickPredict.Core.Tests.Events;

public class EventSerializerTests
{
    [Fact]
    public void Events_RoundTrip()
    {
        var bid = new BidEvent
        {
            BidId = "b1", RequestId = "r1", ImpId = "1", TimeUnixMs = 1_700_000_000_123, Exchange = "ex",
            ModelId = "ctr", ModelVersion = 4, SpecFingerprint = "00ff", PCtr = 0.0123456789, PriceCpm = 1.2345m,
            Currency = "USD", AuctionType = 1, CampaignId = "c", CreativeId = "cr", AdvertiserId = "a",
            Fields = new() { ["site.domain"] = "x.com" },
        };
        var back = EventSerializer.Deserialize<BidEvent>(EventSerializer.Serialize(bid));
        Assert.Equal((bid.BidId, bid.TimeUnixMs, bid.ModelVersion, bid.PCtr, bid.PriceCpm, bid.CreativeId), (back.BidId, back.TimeUnixMs, back.ModelVersion, back.PCtr, back.PriceCpm, back.CreativeId));
        Assert.Equal("x.com", back.Fields["site.domain"]);

        var win = EventSerializer.Deserialize<ImpressionEvent>(EventSerializer.Serialize(new ImpressionEvent { BidId = "b1", ClearingPriceCpm = 0.87m, TimeUnixMs = 5 }));
        Assert.Equal(0.87m, win.ClearingPriceCpm);
        var click = EventSerializer.Deserialize<ClickEvent>(EventSerializer.Serialize(new ClickEvent { BidId = "b1", TimeUnixMs = 6 }));
        Assert.Equal(6, click.TimeUnixMs);
        var example = EventSerializer.Deserialize<LabeledExample>(EventSerializer.Serialize(new LabeledExample { BidId = "b1", Clicked = true, ClickTimeUnixMs = 7, TrueCtr = 0.2 }));
        Assert.True(example.Clicked);
        Assert.Equal(0.2, example.TrueCtr);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xc1 })]
    [InlineData(new byte[] { 0x93, 0x01 })]
    [InlineData(new byte[] { 0xa3, 0x61, 0x62, 0x63 })]
    public void Deserialize_Garbage_ThrowsEventFormatException(byte[] bytes) =>
        Assert.Throws<EventFormatException>(() => EventSerializer.Deserialize<BidEvent>(bytes));
}
