using System.Text;
using ClickPredict.Bidder.Bidding;

namespace ClickPredict.Bidder.Tests.Bidding;

public sealed class BidIdsTests
{
    public static TheoryData<ulong, ulong> Ids => new()
    {
        { 0UL, 0UL },
        { 0UL, 1UL },
        { 1UL, 0UL },
        { 0xeeca40585530a368UL, 1UL },
        { 0x0000000000000abcUL, 0x00000000ffffffffUL },
        { ulong.MaxValue, ulong.MaxValue },
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Format_WritesThe32LowerCaseHexDigits_ThatParseBack(ulong upper, ulong lower)
    {
        var id = new UInt128(upper, lower);
        var text = new byte[BidIds.HexLength];
        BidIds.Format(id, text);

        var written = Encoding.ASCII.GetString(text);
        Assert.Equal(upper.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + lower.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), written);
        Assert.Equal(BidIds.ToString(id), written);
        Assert.True(BidIds.TryParse(written, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Fact]
    public void Next_KeepsTheNonceAbove_AndCountsBelow()
    {
        var ids = new BidIds(0x1234UL);
        Assert.Equal(new UInt128(0x1234UL, 1UL), ids.Next());
        Assert.Equal(new UInt128(0x1234UL, 2UL), ids.Next());
    }
}
