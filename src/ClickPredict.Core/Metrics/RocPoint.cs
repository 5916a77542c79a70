namespace ClickPredict.Core.Metrics;

/// <summary>One point of a ROC curve.</summary>
/// <param name="FalsePositiveRate">Non-clicks scored at or above the threshold, over all non-clicks.</param>
/// <param name="TruePositiveRate">Clicks scored at or above the threshold, over all clicks.</param>
/// <param name="Threshold">The score; positive infinity for the (0, 0) start.</param>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);
