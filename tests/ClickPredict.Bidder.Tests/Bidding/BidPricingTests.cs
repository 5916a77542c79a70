using ClickPredict.Bidder.Bidding;

namespace ClickPredict.Bidder.Tests.Bidding;

public sealed class BidPricingTests
{
    private static readonly Currency s_eur = new("EUR", 0.9m);

    [Fact]
    public void ExpectedValue_IsPctrTimesValuePerClickTimesAThousand() =>
        Assert.Equal(2.7m, BidPricing.ExpectedValueCpm(0.03, 0.09m));

    [Theory]
    [InlineData(2, 0.01, 2.7)] // second price: the expected value
    [InlineData(1, 0.01, 2.16)] // first price: shaded by 0.8
    [InlineData(1, 2.5, 2.5)] // first price, floor between shaded and value: bid the floor
    [InlineData(1, 3.0, 0)] // floor above the value: no bid
    [InlineData(2, 3.0, 0)]
    public void Price_FollowsTheAuctionType(int auctionType, double floor, double expected) =>
        Assert.Equal((decimal)expected, BidPricing.Price(0.03, 0.09m, 10m, auctionType, 0.8m, ImpFloor.Of((decimal)floor, Currency.Usd, Currency.Usd), Currency.Usd));

    [Fact]
    public void Price_NeverExceedsTheCampaignsMaxCpm()
    {
        Assert.Equal(1.5m, BidPricing.Price(0.5, 1m, 1.5m, 2, 0.8m, ImpFloor.Of(0m, Currency.Usd, Currency.Usd), Currency.Usd));
        Assert.Equal(0m, BidPricing.Price(0.5, 1m, 1.5m, 2, 0.8m, ImpFloor.Of(1.6m, Currency.Usd, Currency.Usd), Currency.Usd));
    }

    [Fact]
    public void Price_IsRoundedDownToFourDecimals() =>
        Assert.Equal(1.2345m, BidPricing.Price(0.0123456789, 0.1m, 10m, 2, 0.8m, ImpFloor.Of(0m, Currency.Usd, Currency.Usd), Currency.Usd));

    [Fact]
    public void Price_ConvertsFloorsAndBids()
    {
        // 0.9 EUR floor is 1 USD; a 2.7 USD value bids 2.43 EUR.
        Assert.Equal(2.43m, BidPricing.Price(0.03, 0.09m, 10m, 2, 0.8m, ImpFloor.Of(0.9m, s_eur, s_eur), s_eur));
        Assert.Equal(2.7m, BidPricing.Price(0.03, 0.09m, 10m, 2, 0.8m, ImpFloor.Of(0.9m, s_eur, Currency.Usd), Currency.Usd));
        Assert.Equal(0m, BidPricing.Price(0.03, 0.09m, 10m, 2, 0.8m, ImpFloor.Of(2.5m, s_eur, Currency.Usd), Currency.Usd));
    }

    [Fact]
    public void ImpFloor_IsConvertedOnceIntoDollarsAndTheAnswersCurrency()
    {
        var gbp = new Currency("GBP", 0.8m);
        var floor = ImpFloor.Of(0.9m, s_eur, gbp);
        Assert.Equal(1m, floor.Usd);
        Assert.Equal(0.8m, floor.InBidCurrency);

        // In its own currency the floor is compared as the exchange gave it, with no round trip through dollars.
        var yen = new Currency("JPY", 3m);
        Assert.Equal(1m, ImpFloor.Of(1m, yen, yen).InBidCurrency);
        var own = ImpFloor.Of(0.7m, s_eur, s_eur);
        Assert.Equal(0.7m, own.InBidCurrency);
        Assert.Equal(0.7m / 0.9m, own.Usd);
    }
}
