namespace ClickPredict.Core.Metrics;

/// <summary>One row of a reliability (calibration) table: examples whose prediction fell in one quantile bin.</summary>
/// <param name="Count">Examples in the bin.</param>
/// <param name="MinPredicted">Smallest prediction in the bin.</param>
/// <param name="MaxPredicted">Largest prediction in the bin.</param>
/// <param name="MeanPredicted">Mean prediction in the bin.</param>
/// <param name="ObservedRate">Fraction of the bin's examples that were clicks.</param>
public sealed record ReliabilityBin(long Count, double MinPredicted, double MaxPredicted, double MeanPredicted, double ObservedRate);
