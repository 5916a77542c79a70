using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Tests.Metrics;

public class PairedBootstrapTests
{
    /// <summary>Rows with a known click probability each (drawn from a small set so expectations are exact) and a sampled click.</summary>
    private static (double[] TrueP, bool[] Labels) Sample(int n, int seed)
    {
        double[] levels = [0.02, 0.05, 0.1, 0.2, 0.4];
        var random = new Random(seed);
        var p = new double[n];
        var y = new bool[n];
        for (var i = 0; i < n; i++)
        {
            p[i] = levels[random.Next(levels.Length)];
            y[i] = random.NextDouble() < p[i];
        }

        return (p, y);
    }

    private static double[] Constant(int n, double value) => Enumerable.Repeat(value, n).ToArray();

    [Fact]
    public void Compare_IdenticalPredictions_GivesZeroDifferencesAndZeroWidthIntervals()
    {
        var (p, y) = Sample(500, 1);
        var result = new PairedBootstrap(200).Compare(p, p, y);

        foreach (var d in new[] { result.LogLoss, result.Auc, result.NormalizedEntropy })
        {
            Assert.Equal(0, d.Difference);
            Assert.Equal(0, d.Lower);
            Assert.Equal(0, d.Upper);
            Assert.Equal(0, d.StandardError);
            Assert.False(d.ExcludesZero);
        }
    }

    [Fact]
    public void Compare_PointEstimates_AreTheFullDataMetrics()
    {
        var (p, y) = Sample(800, 2);
        var baseline = Constant(p.Length, 0.15);
        var result = new PairedBootstrap(50).Compare(baseline, p, y);

        Assert.Equal(BinaryMetrics.LogLoss(baseline, y), result.LogLoss.Baseline, 14);
        Assert.Equal(BinaryMetrics.LogLoss(p, y), result.LogLoss.Candidate, 14);
        Assert.Equal(BinaryMetrics.Auc(p, y), result.Auc.Candidate, 14);
        Assert.Equal(0.5, result.Auc.Baseline, 14);
        var rate = y.Count(c => c) / (double)y.Length;
        Assert.Equal(BinaryMetrics.NormalizedEntropy(BinaryMetrics.LogLoss(p, y), rate), result.NormalizedEntropy.Candidate, 14);
        Assert.Equal(800, result.Rows);
        Assert.Equal(50, result.Resamples);
        Assert.Equal(0.95, result.Confidence);
    }

    [Fact]
    public void Compare_TrueProbabilitiesAgainstTheMeanRate_ShowAGainWhoseIntervalExcludesZero()
    {
        var (p, y) = Sample(3_000, 3);
        var mean = y.Count(c => c) / (double)y.Length;
        var result = new PairedBootstrap().Compare(Constant(p.Length, mean), p, y);

        Assert.True(result.LogLoss.Difference < 0);
        Assert.True(result.LogLoss.Upper < 0, $"interval [{result.LogLoss.Lower}, {result.LogLoss.Upper}]");
        Assert.True(result.LogLoss.ExcludesZero);
        Assert.True(result.Auc.Lower > 0);
        Assert.True(result.NormalizedEntropy.Upper < 0);
        Assert.InRange(result.LogLoss.Difference, result.LogLoss.Lower, result.LogLoss.Upper);
    }

    [Fact]
    public void Compare_TwoEquallyNoisyModels_GiveAnIntervalThatContainsZero()
    {
        // Both models see the truth through independent noise of the same size: neither is better.
        var (p, y) = Sample(3_000, 4);
        var random = new Random(5);
        double Noisy(double q) => Math.Clamp(q * Math.Exp(0.3 * (random.NextDouble() - 0.5)), 1e-6, 1 - 1e-6);
        var a = p.Select(Noisy).ToArray();
        var b = p.Select(Noisy).ToArray();
        var result = new PairedBootstrap().Compare(a, b, y);

        Assert.False(result.LogLoss.ExcludesZero, $"interval [{result.LogLoss.Lower}, {result.LogLoss.Upper}]");
        Assert.True(result.LogLoss.Lower < 0 && result.LogLoss.Upper > 0);
        Assert.True(result.LogLoss.StandardError > 0);
    }

    [Fact]
    public void Compare_Interval_CoversTheTrueDifferenceAboutAsOftenAsItClaims()
    {
        // The expected log-loss difference of "predict the truth" over "predict 0.15" is known exactly:
        // per row, H(p) - (-(p ln c + (1 - p) ln(1 - c))), averaged over the (uniform) levels.
        double[] levels = [0.02, 0.05, 0.1, 0.2, 0.4];
        const double c = 0.15;
        var truth = levels.Average(q => BinaryMetrics.Entropy(q) + (q * Math.Log(c)) + ((1 - q) * Math.Log(1 - c)));
        var bootstrap = new PairedBootstrap(resamples: 300, seed: 9);
        var covered = 0;
        const int Trials = 200;
        for (var t = 0; t < Trials; t++)
        {
            var (p, y) = Sample(400, 100 + t);
            var result = bootstrap.Compare(Constant(p.Length, c), p, y);
            covered += result.LogLoss.Lower <= truth && truth <= result.LogLoss.Upper ? 1 : 0;
        }

        // A 95% interval; with 200 trials the observed coverage has a standard error of about 1.5 points.
        Assert.InRange(covered / (double)Trials, 0.88, 0.99);
    }

    [Fact]
    public void Compare_IsDeterministicForASeed_AndTheSeedMatters()
    {
        var (p, y) = Sample(1_000, 6);
        var baseline = Constant(p.Length, 0.15);
        var first = new PairedBootstrap(300, seed: 42).Compare(baseline, p, y);
        var again = new PairedBootstrap(300, seed: 42).Compare(baseline, p, y);
        var other = new PairedBootstrap(300, seed: 43).Compare(baseline, p, y);

        Assert.Equal(first, again);
        Assert.NotEqual(first.LogLoss.Lower, other.LogLoss.Lower);
        Assert.Equal(first.LogLoss.Difference, other.LogLoss.Difference);
    }

    [Fact]
    public void Compare_WiderConfidence_GivesAWiderInterval()
    {
        var (p, y) = Sample(1_000, 7);
        var baseline = Constant(p.Length, 0.15);
        var narrow = new PairedBootstrap(500, 0.8).Compare(baseline, p, y).LogLoss;
        var wide = new PairedBootstrap(500, 0.99).Compare(baseline, p, y).LogLoss;

        Assert.True(wide.Lower < narrow.Lower);
        Assert.True(wide.Upper > narrow.Upper);
    }

    [Fact]
    public void Compare_OneClassOnly_LeavesAucUndefinedButLogLossDefined()
    {
        var y = new bool[100];
        var result = new PairedBootstrap(20).Compare(Constant(100, 0.1), Constant(100, 0.2), y);

        Assert.True(double.IsNaN(result.Auc.Lower));
        Assert.Equal(0, result.Auc.Resamples);
        Assert.Equal(20, result.LogLoss.Resamples);
        Assert.True(result.LogLoss.Difference > 0);
        Assert.True(result.LogLoss.ExcludesZero);
    }

    [Fact]
    public void Compare_RefusesMismatchedOrInvalidInput()
    {
        var bootstrap = new PairedBootstrap(20);
        Assert.Throws<ArgumentException>(() => bootstrap.Compare([0.1, 0.2], [0.1], [true, false]));
        Assert.Throws<ArgumentException>(() => bootstrap.Compare([], [], []));
        var e = Assert.Throws<ArgumentException>(() => bootstrap.Compare([0.1, double.NaN], [0.1, 0.2], [true, false]));
        Assert.Contains("prediction 1 is not a probability", e.Message);
        Assert.Throws<ArgumentException>(() => bootstrap.Compare([0.1, 0.2], [0.1, 1.5], [true, false]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairedBootstrap(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairedBootstrap(100, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairedBootstrap(100, 0));
    }

    [Fact]
    public void WeightedAuc_UnitWeights_EqualsTheExactAuc()
    {
        var random = new Random(8);
        var p = new double[400];
        var y = new bool[400];
        for (var i = 0; i < p.Length; i++)
        {
            // Few distinct scores, so there are many ties.
            p[i] = random.Next(20) / 20.0;
            y[i] = random.NextDouble() < p[i];
        }

        Assert.Equal(BinaryMetrics.Auc(p, y), PairedBootstrap.WeightedAuc(p, y, Enumerable.Repeat(1, p.Length).ToArray()), 12);
    }

    [Fact]
    public void WeightedAuc_IntegerWeights_EqualTheAucOfRepeatedRows()
    {
        double[] p = [0.1, 0.4, 0.35, 0.8, 0.4, 0.2];
        bool[] y = [false, false, true, true, true, false];
        int[] w = [2, 0, 3, 1, 2, 1];
        var repeatedP = new List<double>();
        var repeatedY = new List<bool>();
        for (var i = 0; i < p.Length; i++)
        {
            for (var k = 0; k < w[i]; k++)
            {
                repeatedP.Add(p[i]);
                repeatedY.Add(y[i]);
            }
        }

        Assert.Equal(BinaryMetrics.Auc(repeatedP.ToArray(), repeatedY.ToArray()), PairedBootstrap.WeightedAuc(p, y, w), 14);
    }

    [Fact]
    public void Quantile_InterpolatesBetweenNeighbours()
    {
        double[] sorted = [1, 2, 3, 4, 5];
        Assert.Equal(1, PairedBootstrap.Quantile(sorted, 0));
        Assert.Equal(5, PairedBootstrap.Quantile(sorted, 1));
        Assert.Equal(3, PairedBootstrap.Quantile(sorted, 0.5));
        Assert.Equal(1.4, PairedBootstrap.Quantile(sorted, 0.1), 12);
        Assert.True(double.IsNaN(PairedBootstrap.Quantile([], 0.5)));
    }
}
