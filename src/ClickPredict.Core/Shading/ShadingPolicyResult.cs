namespace ClickPredict.Core.Shading;

/// <summary>What one bidding policy did over the replayed first-price auctions (of one exchange, or all when <see cref="Exchange"/> is null). Money in USD.</summary>
public sealed record ShadingPolicyResult
{
    /// <summary><c>fixed</c>, <c>learned</c> or <c>oracle</c>.</summary>
    public required string Policy { get; init; }

    public string? Exchange { get; init; }

    public long Auctions { get; init; }

    public long Bids { get; init; }

    public long Wins { get; init; }

    /// <summary>What the wins cost: the bids paid.</summary>
    public double SpendUsd { get; init; }

    /// <summary>The expected value of the impressions won.</summary>
    public double ValueWonUsd { get; init; }

    /// <summary>Value won minus spend.</summary>
    public double SurplusUsd => ValueWonUsd - SpendUsd;

    /// <summary>Surplus over the oracle's on the same auctions (NaN when the oracle's is not positive).</summary>
    public double ShareOfOracle { get; init; } = double.NaN;
}
