using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Tests.Metrics;

public class BinaryMetricsTests
{
    private static readonly double[] s_p = [0.1, 0.4, 0.35, 0.8];
    private static readonly bool[] s_y = [false, false, true, true];

    [Fact]
    public void LogLoss_MatchesHandComputedValue() =>
        // -(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4
        Assert.Equal(0.47228795380917615, BinaryMetrics.LogLoss(s_p, s_y), 14);

    [Fact]
    public void LogLoss_ClampsCertainWrongPredictions()
    {
        Assert.Equal(-Math.Log(1e-15), BinaryMetrics.LogLoss(0.0, clicked: true), 10);
        // 1 - (1 - 1e-15) is 1.11e-15 in doubles: the same clamp, up to rounding.
        Assert.Equal(-Math.Log(1e-15), BinaryMetrics.LogLoss(1.0, clicked: false), 2);
        Assert.True(double.IsFinite(BinaryMetrics.LogLoss(0.0, clicked: true)));
    }

    [Fact]
    public void Auc_ClassicExample_IsThreeQuarters() => Assert.Equal(0.75, BinaryMetrics.Auc(s_p, s_y), 14);

    [Fact]
    public void Auc_TiesCountOneHalf()
    {
        // Positives 0.5 and 0.9; negatives 0.5, 0.5, 0.2: 5 of 6 pairs ordered right, the two ties as halves.
        Assert.Equal(5.0 / 6.0, BinaryMetrics.Auc([0.5, 0.5, 0.5, 0.2, 0.9], [true, false, false, false, true]), 14);
        Assert.Equal(0.5, BinaryMetrics.Auc([0.3, 0.3, 0.3, 0.3], [true, false, true, false]), 14);
    }

    [Fact]
    public void Auc_PerfectAndInverted_AndOneClass()
    {
        Assert.Equal(1.0, BinaryMetrics.Auc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]));
        Assert.Equal(0.0, BinaryMetrics.Auc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]));
        Assert.True(double.IsNaN(BinaryMetrics.Auc([0.1, 0.2], [false, false])));
    }

    [Fact]
    public void Auc_AgreesWithPairCounting_OnRandomData()
    {
        var random = new Random(11);
        var p = new double[300];
        var y = new bool[300];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = Math.Round(random.NextDouble(), 1); // coarse, to make many ties
            y[i] = random.NextDouble() < p[i];
        }

        double good = 0, pairs = 0;
        for (var i = 0; i < p.Length; i++)
        {
            for (var j = 0; j < p.Length; j++)
            {
                if (y[i] && !y[j])
                {
                    pairs++;
                    good += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
                }
            }
        }

        Assert.Equal(good / pairs, BinaryMetrics.Auc(p, y), 12);
    }

    [Fact]
    public void NormalizedEntropy_DividesByTheEntropyOfTheObservedRate()
    {
        Assert.Equal(0.1985152433458726, BinaryMetrics.Entropy(0.05), 14);
        Assert.Equal(0.6813674888320943, BinaryMetrics.NormalizedEntropy(0.47228795380917615, 0.5), 14);
        Assert.True(double.IsNaN(BinaryMetrics.NormalizedEntropy(0.3, 0)));
        // Predicting the observed rate everywhere has NE exactly 1.
        var p = Enumerable.Repeat(0.25, 8).ToArray();
        bool[] y = [true, false, false, false, true, false, false, false];
        Assert.Equal(1.0, BinaryMetrics.NormalizedEntropy(BinaryMetrics.LogLoss(p, y), 0.25), 12);
    }

    [Fact]
    public void Evaluate_ComputesCalibrationAndCounts()
    {
        var e = BinaryMetrics.Evaluate(s_p, s_y, reliabilityBins: 2);
        Assert.Equal(4, e.Rows);
        Assert.Equal(2, e.Positives);
        Assert.Equal(0.5, e.ObservedCtr);
        Assert.Equal(0.4125, e.MeanPredicted, 14);
        Assert.Equal(0.825, e.Calibration, 14);
        Assert.Equal(0.75, e.Auc, 14);
        Assert.Equal(0.6813674888320943, e.NormalizedEntropy, 14);
    }

    [Fact]
    public void Reliability_UsesEqualCountBinsOfSortedPredictions()
    {
        var bins = BinaryMetrics.Reliability(s_p, s_y, bins: 2);
        Assert.Equal(2, bins.Count);
        // Sorted: 0.1 (no), 0.35 (yes) | 0.4 (no), 0.8 (yes).
        Assert.Equal((2L, 0.1, 0.35, 0.5), (bins[0].Count, bins[0].MinPredicted, bins[0].MaxPredicted, bins[0].ObservedRate));
        Assert.Equal(0.225, bins[0].MeanPredicted, 14);
        Assert.Equal((2L, 0.4, 0.8, 0.5), (bins[1].Count, bins[1].MinPredicted, bins[1].MaxPredicted, bins[1].ObservedRate));
        Assert.Equal(0.6, bins[1].MeanPredicted, 14);
        Assert.Equal(4, BinaryMetrics.Reliability(s_p, s_y, bins: 10).Sum(b => b.Count));
    }

    [Fact]
    public void Accumulator_MatchesBatchMetrics()
    {
        var acc = new EvaluationAccumulator();
        for (var i = 0; i < 3000; i++)
        {
            acc.Add(s_p[i % 4], s_y[i % 4]);
        }

        Assert.Equal(3000, acc.Count);
        Assert.Equal(1500, acc.Positives);
        Assert.Equal(0.47228795380917615, acc.LogLoss, 12);
        Assert.Equal(0.75, acc.Evaluate().Auc, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => acc.Add(1.5, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => acc.Add(double.NaN, true));
    }

    [Fact]
    public void Metrics_MismatchedLengths_AreRefused() =>
        Assert.Throws<ArgumentException>(() => BinaryMetrics.LogLoss([0.1, 0.2], [true]));
}
