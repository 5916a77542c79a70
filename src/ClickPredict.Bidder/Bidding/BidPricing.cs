namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// The money rules, in <see cref="decimal"/>. A creative is worth <c>pCTR x value per click x 1000</c>
/// per thousand impressions (its expected value, eCPM). In a second-price auction we bid that and
/// pay about the runner-up; in a first-price auction we pay our bid, so we shade it, but never below
/// a floor we could still clear at a profit. Either way the bid never exceeds the campaign's max CPM.
/// </summary>
internal static class BidPricing
{
    /// <summary>Prices go out with at most 4 decimals, rounded down so a cap is never exceeded.</summary>
    public const int Decimals = 4;

    /// <summary>Floors above this (CPM) are beyond any campaign: no bid, and no decimal overflow on the way.</summary>
    public const double MaxFloor = 1_000_000;

    /// <summary>Expected value per thousand impressions, US dollars.</summary>
    public static decimal ExpectedValueCpm(double pctr, decimal valuePerClickUsd) => (decimal)pctr * valuePerClickUsd * 1000m;

    /// <summary>The bid in US dollars (CPM) before conversion and rounding; may be below the floor.</summary>
    public static decimal BidUsd(decimal valueCpm, int auctionType, decimal shading, decimal floorUsd, decimal maxCpmUsd)
    {
        var bid = valueCpm;
        if (auctionType == 1)
        {
            bid = valueCpm * shading;
            // Shading below a floor we could clear at a profit would throw the auction away: bid the floor.
            if (bid < floorUsd && floorUsd <= valueCpm)
            {
                bid = floorUsd;
            }
        }

        return Math.Min(bid, maxCpmUsd);
    }

    /// <summary>A US-dollar amount in <paramref name="currency"/>, rounded down to <see cref="Decimals"/> places.</summary>
    public static decimal ToCurrency(decimal usd, Currency currency) =>
        decimal.Round(usd * currency.PerUsd, Decimals, MidpointRounding.ToZero);

    /// <summary>
    /// The price to bid in <paramref name="bidCurrency"/>, or 0 when the creative cannot clear the imp's floor
    /// (converted once per imp, not once per creative).
    /// </summary>
    public static decimal Price(
        double pctr,
        decimal valuePerClickUsd,
        decimal maxCpmUsd,
        int auctionType,
        decimal shading,
        in ImpFloor floor,
        Currency bidCurrency)
    {
        var valueCpm = ExpectedValueCpm(pctr, valuePerClickUsd);
        return InCurrency(BidUsd(valueCpm, auctionType, shading, floor.Usd, maxCpmUsd), floor, bidCurrency);
    }

    /// <summary>
    /// A bid of <paramref name="bidUsd"/> (CPM) in <paramref name="bidCurrency"/>, rounded down, or 0 when that does
    /// not clear the imp's floor.
    /// </summary>
    public static decimal InCurrency(decimal bidUsd, in ImpFloor floor, Currency bidCurrency)
    {
        var price = ToCurrency(bidUsd, bidCurrency);
        return price > 0 && price >= floor.InBidCurrency ? price : 0;
    }
}
