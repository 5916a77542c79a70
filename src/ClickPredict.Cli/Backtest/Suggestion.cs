namespace ClickPredict.Cli.Backtest;

/// <summary>One addition <c>--suggest</c> tried: the baseline plus one field or one pairwise cross.</summary>
internal sealed record Suggestion
{
    public required SpecOutcome Outcome { get; init; }

    /// <summary>Log-loss gain over the baseline (baseline minus candidate; positive is better).</summary>
    public double Gain => -Outcome.VsBaseline!.LogLoss.Difference;

    /// <summary>Extra hashing and scoring time per request over the baseline, nanoseconds (measured; may come out slightly negative).</summary>
    public double ExtraNanoseconds { get; init; }

    /// <summary>The least extra cost an addition is charged: the timing resolution of the run (at least 1 ns).</summary>
    public double CostFloorNanoseconds { get; init; } = SuggestionSearch.MinimumCostNanoseconds;

    /// <summary>
    /// Gain per nanosecond of extra serving cost; the extra cost counts as at least
    /// <see cref="CostFloorNanoseconds"/>, so an addition whose cost is lost in timing noise does not divide by (nearly) zero.
    /// </summary>
    public double GainPerNanosecond => Gain / Math.Max(ExtraNanoseconds, CostFloorNanoseconds);

    /// <summary>Whether the gain's interval excludes zero (and it is a gain).</summary>
    public bool Significant => Outcome.VsBaseline!.LogLoss.Upper < 0;
}
