namespace ClickPredict.Cli.Backtest;

/// <summary>Everything a back-test found, for the console table, <c>--json</c> and the HTML report.</summary>
internal sealed record BacktestResult
{
    public required BacktestSettings Settings { get; init; }

    /// <summary>Rows read from the data file.</summary>
    public int Rows { get; init; }

    public long Positives { get; init; }

    /// <summary>Rows trained on (all of them in progressive mode).</summary>
    public int TrainRows { get; init; }

    /// <summary>First evaluated row (0 in progressive mode).</summary>
    public int TestFrom { get; init; }

    /// <summary>Rows evaluated.</summary>
    public int TestRows { get; init; }

    public long TestPositives { get; init; }

    public DateTimeOffset? TestFromUtc { get; init; }

    public DateTimeOffset? TestToUtc { get; init; }

    /// <summary>Requests the serving cost was timed on.</summary>
    public int TimingRequests { get; init; }

    /// <summary>Field extraction per request, nanoseconds, when the format has an extractor (OpenRTB); same for every spec.</summary>
    public double? ExtractNanoseconds { get; init; }

    /// <summary>What the extraction figure was measured on.</summary>
    public string? ExtractSource { get; init; }

    /// <summary>The baseline, then the candidates, in command-line order.</summary>
    public required IReadOnlyList<SpecOutcome> Specs { get; init; }

    /// <summary>With <c>--suggest</c>: every tried addition, best first.</summary>
    public IReadOnlyList<Suggestion> Suggestions { get; init; } = [];

    /// <summary>With <c>--suggest</c>: the largest difference the baseline showed timed against itself, nanoseconds.</summary>
    public double TimingResolutionNanoseconds { get; init; } = double.NaN;

    public double WallSeconds { get; init; }

    public SpecOutcome Baseline => Specs[0];
}
