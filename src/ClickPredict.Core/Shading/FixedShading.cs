namespace ClickPredict.Core.Shading;

/// <summary>
/// The fixed-factor rule (the bidder's <c>Bidder:FirstPriceShading</c>): bid the value times the factor,
/// but the floor when that falls below a floor still under the value, and never above the max bid; no bid
/// when the result is below the floor.
/// </summary>
public static class FixedShading
{
    public static double Bid(double value, double factor, double floor, double maxBid)
    {
        if (!(value > 0))
        {
            return 0;
        }

        var bid = value * factor;
        if (bid < floor && floor <= value)
        {
            bid = floor;
        }

        bid = Math.Min(bid, maxBid);
        return bid >= floor && bid > 0 ? bid : 0;
    }
}
