namespace ClickPredict.Core.Metrics;

/// <summary>Metrics of probabilistic binary predictions: log loss, AUC, normalized entropy, calibration, reliability.</summary>
public static class BinaryMetrics
{
    /// <summary>Predictions are clamped to [Epsilon, 1 - Epsilon] before taking logarithms.</summary>
    public const double Epsilon = 1e-15;

    /// <summary>The negative log-likelihood of one example.</summary>
    public static double LogLoss(double p, bool clicked)
    {
        p = Math.Clamp(p, Epsilon, 1 - Epsilon);
        return clicked ? -Math.Log(p) : -Math.Log(1 - p);
    }

    /// <summary>Mean negative log-likelihood.</summary>
    public static double LogLoss(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels)
    {
        CheckLengths(predictions, labels);
        var sum = 0.0;
        for (var i = 0; i < predictions.Length; i++)
        {
            sum += LogLoss(predictions[i], labels[i]);
        }

        return predictions.IsEmpty ? double.NaN : sum / predictions.Length;
    }

    /// <summary>Binary entropy (nats) of a rate: the log loss of always predicting that rate.</summary>
    public static double Entropy(double rate)
    {
        if (rate <= 0 || rate >= 1)
        {
            return 0;
        }

        return -((rate * Math.Log(rate)) + ((1 - rate) * Math.Log(1 - rate)));
    }

    /// <summary>Log loss over the entropy of the observed rate; NaN when the rate is 0 or 1.</summary>
    public static double NormalizedEntropy(double logLoss, double observedRate)
    {
        var h = Entropy(observedRate);
        return h > 0 ? logLoss / h : double.NaN;
    }

    /// <summary>
    /// Exact AUC by the Mann-Whitney rank sum: the probability that a random click is scored above a
    /// random non-click, ties counting one half. NaN when either class is absent.
    /// </summary>
    public static double Auc(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels)
    {
        CheckLengths(predictions, labels);
        var n = predictions.Length;
        var order = SortedOrder(predictions);
        long positives = 0;
        var positiveRankSum = 0.0;
        var i = 0;
        while (i < n)
        {
            // A run of equal scores shares the mean of the ranks it spans (1-based).
            var j = i;
            while (j + 1 < n && predictions[order[j + 1]] == predictions[order[i]])
            {
                j++;
            }

            var meanRank = ((i + 1) + (j + 1)) / 2.0;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]])
                {
                    positives++;
                    positiveRankSum += meanRank;
                }
            }

            i = j + 1;
        }

        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// A reliability table over <paramref name="bins"/> equal-count bins of the sorted predictions
    /// (quantile bins: CTRs crowd near zero, where equal-width bins would put nearly everything in one).
    /// </summary>
    public static IReadOnlyList<ReliabilityBin> Reliability(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels, int bins = 10)
    {
        CheckLengths(predictions, labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        var n = predictions.Length;
        var order = SortedOrder(predictions);
        var result = new List<ReliabilityBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            var from = (int)((long)b * n / bins);
            var to = (int)((long)(b + 1) * n / bins);
            if (to <= from)
            {
                continue;
            }

            var sum = 0.0;
            long clicks = 0;
            for (var k = from; k < to; k++)
            {
                sum += predictions[order[k]];
                clicks += labels[order[k]] ? 1 : 0;
            }

            var count = to - from;
            result.Add(new ReliabilityBin(count, predictions[order[from]], predictions[order[to - 1]], sum / count, (double)clicks / count));
        }

        return result;
    }

    /// <summary>Every metric at once.</summary>
    public static Evaluation Evaluate(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels, int reliabilityBins = 10)
    {
        CheckLengths(predictions, labels);
        long positives = 0;
        var sumPredicted = 0.0;
        for (var i = 0; i < predictions.Length; i++)
        {
            positives += labels[i] ? 1 : 0;
            sumPredicted += predictions[i];
        }

        var rows = predictions.Length;
        var observed = rows == 0 ? double.NaN : (double)positives / rows;
        var meanPredicted = rows == 0 ? double.NaN : sumPredicted / rows;
        var logLoss = LogLoss(predictions, labels);
        return new Evaluation
        {
            Rows = rows,
            Positives = positives,
            LogLoss = logLoss,
            Auc = Auc(predictions, labels),
            NormalizedEntropy = NormalizedEntropy(logLoss, observed),
            MeanPredicted = meanPredicted,
            ObservedCtr = observed,
            Calibration = positives == 0 ? double.NaN : meanPredicted / observed,
            Reliability = Reliability(predictions, labels, reliabilityBins),
        };
    }

    private static int[] SortedOrder(ReadOnlySpan<double> predictions)
    {
        var keys = predictions.ToArray();
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        return order;
    }

    private static void CheckLengths(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels)
    {
        if (predictions.Length != labels.Length)
        {
            throw new ArgumentException($"{predictions.Length} predictions but {labels.Length} labels");
        }
    }
}
