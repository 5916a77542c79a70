namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// An imp's floor (CPM) in US dollars and in the answer's currency: converted once per imp from the currency
/// the exchange gave it in, then compared with each creative's price.
/// </summary>
internal readonly record struct ImpFloor(decimal Usd, decimal InBidCurrency)
{
    public static ImpFloor Of(decimal amount, Currency currency, Currency bidCurrency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(bidCurrency);
        var usd = amount / currency.PerUsd;
        var inBidCurrency = ReferenceEquals(currency, bidCurrency) ? amount : usd * bidCurrency.PerUsd;
        return new ImpFloor(usd, inBidCurrency);
    }
}
