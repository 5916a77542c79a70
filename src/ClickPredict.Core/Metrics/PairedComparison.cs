namespace ClickPredict.Core.Metrics;

/// <summary>
/// A candidate's predictions against a baseline's on the same examples, with paired bootstrap
/// intervals of the differences (see <see cref="PairedBootstrap"/>). Every difference is candidate
/// minus baseline: a negative log-loss or normalized-entropy difference, and a positive AUC one, favour the candidate.
/// </summary>
public sealed record PairedComparison
{
    /// <summary>Examples compared.</summary>
    public long Rows { get; init; }

    /// <summary>Resamples drawn.</summary>
    public int Resamples { get; init; }

    /// <summary>Coverage of the intervals, e.g. 0.95.</summary>
    public double Confidence { get; init; }

    /// <summary>Seed of the resampling.</summary>
    public ulong Seed { get; init; }

    public required MetricDifference LogLoss { get; init; }

    public required MetricDifference Auc { get; init; }

    public required MetricDifference NormalizedEntropy { get; init; }
}
