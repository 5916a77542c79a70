namespace ClickPredict.Cli.Backtest;

/// <summary>One addition <c>--suggest</c> tried: the baseline plus one field or one pairwise cross.</summary>
internal sealed record Suggestion
{
    public required SpecOutcome Outcome { get; init; }

    /// <summary>Log-loss gain over the baseline (baseline minus candidate; positive is better).</summary>
    public double Gain => -Outcome.VsBaseline!.LogLoss.Difference;

    /// <summary>Extra hashing and scoring time per request over the baseline, nanoseconds (measured; may come out slightly negative).</summary>
    public double ExtraNanoseconds { get; init; }

    /// <summary>
    /// Gain per nanosecond of extra serving cost; the extra cost counts as at least
    /// <see cref="SuggestionSearch.MinimumCostNanoseconds"/> so a free-looking addition does not divide by (nearly) zero.
    /// </summary>
    public double GainPerNanosecond => Gain / Math.Max(ExtraNanoseconds, SuggestionSearch.MinimumCostNanoseconds);

    /// <summary>Whether the gain's interval excludes zero (and it is a gain).</summary>
    public bool Significant => Outcome.VsBaseline!.LogLoss.Upper < 0;
}
