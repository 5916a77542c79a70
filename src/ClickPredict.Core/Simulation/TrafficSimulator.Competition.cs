using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// The other bidders. Second-price exchanges keep the original market. On first-price exchanges each
/// bidder's bid is log-normal around a level that depends on the floor, the exchange, the size, the device
/// type, app or site, the hour (a daily cycle peaking at the exchange's hour) and the inventory (which the
/// bidder cannot see), and drifts over simulated time (<see cref="SimulatorOptions.CompetitionDriftPerDay"/>).
/// </summary>
public sealed partial class TrafficSimulator
{
    private const uint CompetitionExchange = 21, CompetitionSize = 22, CompetitionDevice = 23, CompetitionApp = 24, CompetitionInventory = 25, CompetitionSpread = 26;

    /// <summary>Spread of one bidder's log bid on second-price exchanges (the original market).</summary>
    private const double SecondPriceSpread = 0.6;

    /// <summary>The competition for <paramref name="request"/>'s impression as the market knows it (the oracle's view).</summary>
    public CompetingBids CompetitionOf(SimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseMedian = Math.Max(request.BidFloor, request.Inventory.FloorBase) * 2.5;
        var exchange = request.Exchange;
        if (request.AuctionType != 1)
        {
            return new CompetingBids(baseMedian, SecondPriceSpread, exchange.Bidders, request.BidFloor);
        }

        var seed = (uint)Options.Seed;
        var key = request.ExchangeKey;
        var theta = Options.CompetitionDriftPerDay * Math.Max(0, (request.Time - Options.Start).TotalDays);
        var size = MurmurHash3.Hash32((uint)((request.Width << 16) | request.Height), key, seed);
        var hour = request.Time.UtcDateTime.TimeOfDay.TotalHours;
        var logLevel =
            (0.15 * HashedNormal.Drifting(seed, CompetitionExchange, key, theta))
            + (0.25 * HashedNormal.Drifting(seed, CompetitionSize, size, theta))
            + (0.15 * HashedNormal.Draw(seed, CompetitionDevice, MurmurHash3.Hash32((uint)request.DeviceType, key, seed), 0))
            + (0.10 * HashedNormal.Draw(seed, CompetitionApp, MurmurHash3.Hash32(request.IsApp ? 1u : 0u, key, seed), 0))
            + (0.20 * Math.Cos(2 * Math.PI * (hour - exchange.PeakHourUtc) / 24))
            + (0.10 * HashedNormal.Drifting(seed, CompetitionInventory, request.Inventory.Key, theta));
        var sigma = exchange.Spread * Math.Exp(0.15 * HashedNormal.Draw(seed, CompetitionSpread, size, 0));
        return new CompetingBids(baseMedian * exchange.PriceLevel * Math.Exp(logLevel), sigma, exchange.Bidders, request.BidFloor);
    }

    /// <summary>Draws one other bidder's bid (CPM, USD) for the request's impression, at least its floor.</summary>
    public decimal SampleMarketPrice(SimRequest request)
    {
        var price = CompetitionOf(request).Bid(_outcomes.NextGaussian());
        return Math.Round((decimal)Math.Max(price, request.BidFloor), 4);
    }

    /// <summary>Draws the price to beat: the highest of the competition's bids, at least the floor.</summary>
    public decimal SamplePriceToBeat(in CompetingBids competition)
    {
        var best = competition.FloorCpm;
        for (var i = 0; i < competition.Bidders; i++)
        {
            best = Math.Max(best, competition.Bid(_outcomes.NextGaussian()));
        }

        return Math.Round((decimal)best, 4);
    }

    /// <summary>The exchange of request <paramref name="sequence"/> among those of its auction type, by share: hashed, so the request stream does not move.</summary>
    private int PickExchange(long sequence, int auctionType)
    {
        var cdf = _exchangeCdf[auctionType - 1];
        var u = MurmurHash3.Hash32((uint)sequence, (uint)(sequence >> 32), (uint)Options.Seed ^ 0x2545f491u) / 4294967296.0;
        var index = Array.BinarySearch(cdf, u);
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, cdf.Length - 1);
    }
}
