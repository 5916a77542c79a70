using ClickPredict.Core.Events;

namespace ClickPredict.Core.Tests.Events;

public class BidEventPeekTests
{
    [Theory]
    [InlineData(1, 1_796_300_000_123L)]
    [InlineData(2, 42L)]
    public void TryRead_GivesTheAuctionTypeAndTime_TheDeserializerGives(int auctionType, long time)
    {
        var bid = new BidEvent
        {
            BidId = "b-1",
            RequestId = "r-1",
            ImpId = "1",
            TimeUnixMs = time,
            Exchange = "sim",
            AuctionType = auctionType,
            PriceCpm = 1.25m,
            Fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["site.domain"] = "example.com" },
        };
        var bytes = EventSerializer.Serialize(bid);

        Assert.True(BidEventPeek.TryRead(bytes, out var peekedType, out var peekedTime));
        var whole = EventSerializer.Deserialize<BidEvent>(bytes);
        Assert.Equal((whole.AuctionType, whole.TimeUnixMs), (peekedType, peekedTime));
    }

    [Fact]
    public void TryRead_RefusesWhatIsNotABidEvent()
    {
        Assert.False(BidEventPeek.TryRead(Array.Empty<byte>(), out _, out _));
        Assert.False(BidEventPeek.TryRead(new byte[] { 0x92, 0x01, 0x02 }, out _, out _));
        Assert.False(BidEventPeek.TryRead(new byte[] { 0xc1 }, out _, out _));
        var truncated = EventSerializer.Serialize(new BidEvent { BidId = "b-1", AuctionType = 2 })[..20];
        Assert.False(BidEventPeek.TryRead(truncated, out _, out _));
    }
}
