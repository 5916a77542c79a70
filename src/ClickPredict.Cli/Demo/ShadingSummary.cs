namespace ClickPredict.Cli.Demo;

/// <summary>The live run's first-price auctions (see <see cref="DemoShading"/>).</summary>
internal sealed record ShadingSummary
{
    public long FirstPriceBids { get; init; }

    public long Wins { get; init; }

    /// <summary>Loss notices (<c>lurl</c>) the exchange sent, and how many the bidders refused.</summary>
    public long LossNotices { get; init; }

    public long LossNoticesRefused { get; init; }

    /// <summary>What the first-price wins cost (each paid its bid).</summary>
    public decimal SpendUsd { get; init; }

    /// <summary>What they were worth: the hidden true CTR times the campaign's value per click, summed.</summary>
    public double ValueWonUsd { get; init; }

    /// <summary>Value won minus spend.</summary>
    public double SurplusUsd { get; init; }

    /// <summary>What priced first-price bids at the end of the run (<c>model</c> or <c>fixed</c>), by the bidder's status.</summary>
    public string? PricedBy { get; init; }

    /// <summary>The win-rate model the bidder served at the end, if any.</summary>
    public string? WinRateModel { get; init; }

    public int WinRateModelsPublished { get; init; }
}
