using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Learning;

/// <summary>
/// Running figures of progressive validation: every example is scored before it is learned, so each
/// prediction is on data the model has not yet seen (McMahan et al. 2013, section 5.1). Examples may
/// carry a weight (a down-sampled negative stands for <c>1 / rate</c> negatives), making the figures
/// estimates for the full stream. Allocation-free; not thread-safe.
/// </summary>
public sealed class ProgressiveValidation
{
    /// <summary>Examples scored.</summary>
    public long Count { get; private set; }

    /// <summary>Clicks among them (unweighted).</summary>
    public long Positives { get; private set; }

    /// <summary>Sum of example weights.</summary>
    public double WeightSum { get; private set; }

    /// <summary>Weighted sum of log losses.</summary>
    public double LossSum { get; private set; }

    /// <summary>Weighted sum of predictions.</summary>
    public double PredictionSum { get; private set; }

    /// <summary>Weighted sum of clicks.</summary>
    public double PositiveWeight { get; private set; }

    /// <summary>Weighted mean log loss so far; NaN before the first example.</summary>
    public double LogLoss => WeightSum > 0 ? LossSum / WeightSum : double.NaN;

    /// <summary>Weighted click rate so far.</summary>
    public double ObservedCtr => WeightSum > 0 ? PositiveWeight / WeightSum : double.NaN;

    /// <summary>Weighted mean prediction over the weighted click rate: 1 is calibrated.</summary>
    public double Calibration => PositiveWeight > 0 ? PredictionSum / PositiveWeight : double.NaN;

    /// <summary>Log loss over the entropy of the observed click rate.</summary>
    public double NormalizedEntropy => BinaryMetrics.NormalizedEntropy(LogLoss, ObservedCtr);

    /// <summary>Adds one example scored at <paramref name="prediction"/> before it was learned.</summary>
    public void Add(double prediction, bool clicked, double weight = 1.0)
    {
        Count++;
        WeightSum += weight;
        LossSum += weight * BinaryMetrics.LogLoss(prediction, clicked);
        PredictionSum += weight * prediction;
        if (clicked)
        {
            Positives++;
            PositiveWeight += weight;
        }
    }

    public void Reset()
    {
        Count = 0;
        Positives = 0;
        WeightSum = 0;
        LossSum = 0;
        PredictionSum = 0;
        PositiveWeight = 0;
    }

    /// <summary>Sets every sum (restoring a checkpoint).</summary>
    internal void Restore(long count, long positives, double weightSum, double lossSum, double predictionSum, double positiveWeight)
    {
        Count = count;
        Positives = positives;
        WeightSum = weightSum;
        LossSum = lossSum;
        PredictionSum = predictionSum;
        PositiveWeight = positiveWeight;
    }
}
