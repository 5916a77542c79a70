namespace ClickPredict.Core.Metrics;

/// <summary>
/// One metric of a candidate against a baseline on the same examples: both values, their difference
/// (candidate minus baseline) and a bootstrap confidence interval of that difference.
/// </summary>
/// <param name="Baseline">The baseline's value on all the examples.</param>
/// <param name="Candidate">The candidate's value on all the examples.</param>
/// <param name="Lower">Lower end of the percentile interval of the difference.</param>
/// <param name="Upper">Upper end of the percentile interval of the difference.</param>
/// <param name="StandardError">Standard deviation of the difference over the resamples.</param>
/// <param name="Resamples">Resamples on which the metric was defined (AUC needs both classes in a resample).</param>
public sealed record MetricDifference(double Baseline, double Candidate, double Lower, double Upper, double StandardError, int Resamples)
{
    /// <summary>Candidate minus baseline on all the examples.</summary>
    public double Difference => Candidate - Baseline;

    /// <summary>Whether the interval leaves out 0: at this confidence the difference is not noise.</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;
}
