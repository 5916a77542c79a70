namespace ClickPredict.Core.Simulation;

/// <summary>
/// An exchange of the simulated market: its auction type, its share of that type's requests, whether it
/// reports the minimum bid to win (OpenRTB 2.6 <c>${AUCTION_MIN_TO_WIN}</c>) on win and loss notices,
/// and, for first-price exchanges, the shape of its competition: how many other bidders, their price level
/// (a multiple of the market's base), their spread (log units) and the UTC hour demand peaks. Second-price
/// exchanges keep the simulator's original market (one bidder's bid log-normal around 2.5 times the floor,
/// spread 0.6), whatever these say.
/// </summary>
public sealed record SimExchange(string Name, int AuctionType)
{
    /// <summary>Weight among the exchanges of the same auction type (&gt; 0).</summary>
    public double Share { get; init; } = 1.0;

    public bool ReportsMinToWin { get; init; }

    /// <summary>Other bidders in each auction (1-100): the price to beat is the highest of their bids.</summary>
    public int Bidders { get; init; } = 4;

    /// <summary>Multiplies the median of every other bidder's bid (&gt; 0).</summary>
    public double PriceLevel { get; init; } = 1.0;

    /// <summary>Spread of one bidder's log bid (a normal's standard deviation), in (0, 3].</summary>
    public double Spread { get; init; } = 0.6;

    /// <summary>UTC hour at which the competition bids highest (a daily cycle), 0-23.</summary>
    public int PeakHourUtc { get; init; } = 20;

    /// <summary>
    /// Three first-price exchanges (one reporting the minimum bid to win, two only win or loss; thick to thin
    /// competition) and one second-price exchange, with eight bidders as the demo's auctions have.
    /// </summary>
    public static IReadOnlyList<SimExchange> DefaultSet { get; } =
    [
        new("fp-open", 1) { Share = 0.40, ReportsMinToWin = true, Bidders = 6, PriceLevel = 1.0, Spread = 0.55, PeakHourUtc = 19 },
        new("fp-sealed", 1) { Share = 0.35, Bidders = 4, PriceLevel = 0.9, Spread = 0.6, PeakHourUtc = 14 },
        new("fp-thin", 1) { Share = 0.25, Bidders = 2, PriceLevel = 0.8, Spread = 0.7, PeakHourUtc = 2 },
        new("sp-classic", 2) { Share = 1.0, Bidders = 8 },
    ];

    /// <summary>Problems with this exchange, each naming its setting.</summary>
    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "an exchange has no name";
        }

        if (AuctionType is not (1 or 2))
        {
            yield return $"exchange '{Name}' AuctionType must be 1 (first price) or 2 (second price), not {AuctionType}";
        }

        if (!(Share > 0) || !double.IsFinite(Share))
        {
            yield return $"exchange '{Name}' Share must be a finite number > 0, not {Share}";
        }

        if (Bidders is < 1 or > 100)
        {
            yield return $"exchange '{Name}' Bidders must be in [1, 100], not {Bidders}";
        }

        if (!(PriceLevel > 0) || !double.IsFinite(PriceLevel))
        {
            yield return $"exchange '{Name}' PriceLevel must be a finite number > 0, not {PriceLevel}";
        }

        if (Spread is not (> 0 and <= 3))
        {
            yield return $"exchange '{Name}' Spread must be in (0, 3], not {Spread}";
        }

        if (PeakHourUtc is < 0 or > 23)
        {
            yield return $"exchange '{Name}' PeakHourUtc must be in [0, 23], not {PeakHourUtc}";
        }
    }
}
