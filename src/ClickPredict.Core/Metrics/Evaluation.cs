namespace ClickPredict.Core.Metrics;

/// <summary>How well predictions matched labels on a set of examples.</summary>
public sealed record Evaluation
{
    public long Rows { get; init; }

    public long Positives { get; init; }

    /// <summary>Mean negative log-likelihood (natural log), predictions clamped to [1e-15, 1 - 1e-15].</summary>
    public double LogLoss { get; init; }

    /// <summary>Area under the ROC curve; ties count one half. NaN when only one class is present.</summary>
    public double Auc { get; init; }

    /// <summary>Log loss divided by the entropy of the observed click rate (He et al. 2014): below 1 beats predicting the mean.</summary>
    public double NormalizedEntropy { get; init; }

    public double MeanPredicted { get; init; }

    public double ObservedCtr { get; init; }

    /// <summary>Mean prediction over observed CTR: 1 is calibrated, above 1 over-predicts.</summary>
    public double Calibration { get; init; }

    public IReadOnlyList<ReliabilityBin> Reliability { get; init; } = [];
}
