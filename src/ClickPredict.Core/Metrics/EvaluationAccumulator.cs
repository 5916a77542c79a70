namespace ClickPredict.Core.Metrics;

/// <summary>
/// Collects (prediction, label) pairs as they stream by, keeping a running log loss, and computes the
/// full <see cref="Evaluation"/> (which needs every pair for the exact AUC) on demand.
/// </summary>
public sealed class EvaluationAccumulator
{
    private double[] _predictions = new double[1024];
    private bool[] _labels = new bool[1024];
    private double _logLossSum;
    private long _positives;

    public int Count { get; private set; }

    public long Positives => _positives;

    /// <summary>Mean log loss of what has been added so far.</summary>
    public double LogLoss => Count == 0 ? double.NaN : _logLossSum / Count;

    public ReadOnlySpan<double> Predictions => _predictions.AsSpan(0, Count);

    public ReadOnlySpan<bool> Labels => _labels.AsSpan(0, Count);

    public void Add(double prediction, bool clicked)
    {
        if (!double.IsFinite(prediction) || prediction < 0 || prediction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(prediction), prediction, "a prediction must be a probability");
        }

        if (Count == _predictions.Length)
        {
            Array.Resize(ref _predictions, Count * 2);
            Array.Resize(ref _labels, Count * 2);
        }

        _predictions[Count] = prediction;
        _labels[Count] = clicked;
        Count++;
        _positives += clicked ? 1 : 0;
        _logLossSum += BinaryMetrics.LogLoss(prediction, clicked);
    }

    public void Clear()
    {
        Count = 0;
        _positives = 0;
        _logLossSum = 0;
    }

    public Evaluation Evaluate(int reliabilityBins = 10) => BinaryMetrics.Evaluate(Predictions, Labels, reliabilityBins);
}
