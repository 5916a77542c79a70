using System.Globalization;

namespace ClickPredict.Core.Metrics;

/// <summary>
/// Paired bootstrap of metric differences (Efron and Tibshirani 1993, ch. 13): to tell whether a
/// candidate model really beats a baseline on a test set or only got lucky with these rows, draw the
/// test rows with replacement many times, compute both models' metrics on the <em>same</em> draw, and
/// read a percentile interval off the differences. Pairing cancels the variation both models share
/// (hard rows are hard for both), so the interval is far narrower than one built from two separate
/// intervals. Deterministic: a given seed gives the same intervals on every platform.
/// </summary>
/// <remarks>
/// Each resample is a multinomial draw of row counts (n uniform picks of n rows). Log loss is then a
/// weighted mean of per-row losses; AUC is computed from one sort per model made up front, walking
/// the tie groups with the drawn counts as weights (O(n) per resample); normalized entropy divides
/// the log loss by the entropy of the resample's own click rate.
/// </remarks>
public sealed class PairedBootstrap
{
    public const int DefaultResamples = 1000;

    public const double DefaultConfidence = 0.95;

    /// <summary>Creates a bootstrap; throws when a setting is out of range.</summary>
    /// <param name="resamples">Resamples to draw (at least 10).</param>
    /// <param name="confidence">Interval coverage, in (0, 1).</param>
    /// <param name="seed">Seed of the draws.</param>
    public PairedBootstrap(int resamples = DefaultResamples, double confidence = DefaultConfidence, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        if (!(confidence is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "the confidence must be in (0, 1)");
        }

        Resamples = resamples;
        Confidence = confidence;
        Seed = seed;
    }

    public int Resamples { get; }

    public double Confidence { get; }

    public ulong Seed { get; }

    /// <summary>
    /// Compares <paramref name="candidate"/>'s predictions with <paramref name="baseline"/>'s, both of
    /// the examples labelled by <paramref name="labels"/>, in the same order.
    /// </summary>
    public PairedComparison Compare(ReadOnlySpan<double> baseline, ReadOnlySpan<double> candidate, ReadOnlySpan<bool> labels)
    {
        var n = labels.Length;
        if (baseline.Length != n || candidate.Length != n)
        {
            throw new ArgumentException($"{baseline.Length} baseline and {candidate.Length} candidate predictions for {n} labels");
        }

        if (n == 0)
        {
            throw new ArgumentException("no examples to compare", nameof(labels));
        }

        CheckProbabilities(baseline, nameof(baseline));
        CheckProbabilities(candidate, nameof(candidate));

        var lossA = new double[n];
        var lossB = new double[n];
        long positives = 0;
        for (var i = 0; i < n; i++)
        {
            lossA[i] = BinaryMetrics.LogLoss(baseline[i], labels[i]);
            lossB[i] = BinaryMetrics.LogLoss(candidate[i], labels[i]);
            positives += labels[i] ? 1 : 0;
        }

        var rankA = new TieGroups(baseline, labels);
        var rankB = new TieGroups(candidate, labels);

        var llDiffs = new double[Resamples];
        var aucDiffs = new double[Resamples];
        var neDiffs = new double[Resamples];
        var counts = new int[n];
        var random = new SplitMix64(Seed);
        for (var r = 0; r < Resamples; r++)
        {
            Array.Clear(counts);
            for (var k = 0; k < n; k++)
            {
                counts[random.Next(n)]++;
            }

            double sumA = 0, sumB = 0;
            long drawnPositives = 0;
            for (var i = 0; i < n; i++)
            {
                var c = counts[i];
                if (c != 0)
                {
                    sumA += c * lossA[i];
                    sumB += c * lossB[i];
                    drawnPositives += labels[i] ? c : 0;
                }
            }

            var llDiff = (sumB - sumA) / n;
            llDiffs[r] = llDiff;
            var entropy = BinaryMetrics.Entropy((double)drawnPositives / n);
            neDiffs[r] = entropy > 0 ? llDiff / entropy : double.NaN;
            aucDiffs[r] = rankB.WeightedAuc(counts) - rankA.WeightedAuc(counts);
        }

        var llA = Mean(lossA);
        var llB = Mean(lossB);
        var rate = (double)positives / n;
        return new PairedComparison
        {
            Rows = n,
            Resamples = Resamples,
            Confidence = Confidence,
            Seed = Seed,
            LogLoss = Summarise(llA, llB, llDiffs),
            Auc = Summarise(BinaryMetrics.Auc(baseline, labels), BinaryMetrics.Auc(candidate, labels), aucDiffs),
            NormalizedEntropy = Summarise(BinaryMetrics.NormalizedEntropy(llA, rate), BinaryMetrics.NormalizedEntropy(llB, rate), neDiffs),
        };
    }

    /// <summary>
    /// The AUC of <paramref name="predictions"/> when example <c>i</c> counts <c>weights[i]</c> times
    /// (ties one half): what the bootstrap computes per resample. With all weights 1 it equals
    /// <see cref="BinaryMetrics.Auc"/>. NaN when either class has no weight.
    /// </summary>
    public static double WeightedAuc(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels, ReadOnlySpan<int> weights)
    {
        if (predictions.Length != labels.Length || weights.Length != labels.Length)
        {
            throw new ArgumentException($"{predictions.Length} predictions, {labels.Length} labels and {weights.Length} weights");
        }

        return new TieGroups(predictions, labels).WeightedAuc(weights);
    }

    /// <summary>The value at quantile <paramref name="q"/> of sorted values, interpolating linearly between neighbours.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var fraction = position - below;
        return sorted[below] + ((sorted[above] - sorted[below]) * fraction);
    }

    private MetricDifference Summarise(double baseline, double candidate, double[] differences)
    {
        // Resamples where the metric is undefined (AUC with one class drawn) are left out.
        var finite = differences.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return new MetricDifference(baseline, candidate, double.NaN, double.NaN, double.NaN, 0);
        }

        Array.Sort(finite);
        var tail = (1 - Confidence) / 2;
        var mean = finite.Average();
        var variance = 0.0;
        foreach (var d in finite)
        {
            variance += (d - mean) * (d - mean);
        }

        var standardError = finite.Length > 1 ? Math.Sqrt(variance / (finite.Length - 1)) : 0;
        return new MetricDifference(baseline, candidate, Quantile(finite, tail), Quantile(finite, 1 - tail), standardError, finite.Length);
    }

    private static double Mean(double[] values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    private static void CheckProbabilities(ReadOnlySpan<double> predictions, string name)
    {
        for (var i = 0; i < predictions.Length; i++)
        {
            var p = predictions[i];
            if (!(p is >= 0 and <= 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} prediction {i} is not a probability ({p})"), name);
            }
        }
    }

    /// <summary>One model's predictions sorted once, cut into runs of equal scores, for weighted AUCs.</summary>
    private sealed class TieGroups
    {
        private readonly int[] _order;
        private readonly int[] _groupEnd;
        private readonly bool[] _labels;

        public TieGroups(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels)
        {
            var keys = predictions.ToArray();
            _order = new int[keys.Length];
            for (var i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            Array.Sort(keys, _order);
            var ends = new List<int>();
            for (var i = 1; i <= keys.Length; i++)
            {
                if (i == keys.Length || keys[i] != keys[i - 1])
                {
                    ends.Add(i);
                }
            }

            _groupEnd = [.. ends];
            _labels = labels.ToArray();
        }

        public double WeightedAuc(ReadOnlySpan<int> weights)
        {
            // Walk the scores upwards: each positive beats the negatives below its group and ties half of its own.
            double negativesBelow = 0, positives = 0, pairs = 0;
            var start = 0;
            foreach (var end in _groupEnd)
            {
                double groupPositives = 0, groupNegatives = 0;
                for (var k = start; k < end; k++)
                {
                    var i = _order[k];
                    if (_labels[i])
                    {
                        groupPositives += weights[i];
                    }
                    else
                    {
                        groupNegatives += weights[i];
                    }
                }

                pairs += groupPositives * (negativesBelow + (groupNegatives / 2));
                negativesBelow += groupNegatives;
                positives += groupPositives;
                start = end;
            }

            return positives > 0 && negativesBelow > 0 ? pairs / (positives * negativesBelow) : double.NaN;
        }
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014): fixed by its seed on every platform.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        /// <summary>Uniform in [0, n), by Lemire's multiply-shift (the bias is below 2^-32 for n below 2^32).</summary>
        public int Next(int n)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(((z >> 32) * (ulong)n) >> 32);
        }
    }
}
