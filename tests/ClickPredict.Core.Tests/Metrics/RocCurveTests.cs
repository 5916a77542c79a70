using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Tests.Metrics;

public class RocCurveTests
{
    [Fact]
    public void Compute_ClassicExample_StepsThroughEachThreshold()
    {
        var points = RocCurve.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);

        Assert.Equal(
            [(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)],
            points.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)));
        Assert.Equal(0.8, points[1].Threshold);
        Assert.Equal(0.75, RocCurve.Area(points), 14);
    }

    [Fact]
    public void Compute_AreaUnderThePoints_IsTheExactAuc_WithTies()
    {
        var random = new Random(3);
        var p = new double[500];
        var y = new bool[500];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = random.Next(30) / 30.0;
            y[i] = random.NextDouble() < p[i];
        }

        var points = RocCurve.Compute(p, y);
        Assert.Equal(BinaryMetrics.Auc(p, y), RocCurve.Area(points), 12);
        Assert.Equal((0.0, 0.0), (points[0].FalsePositiveRate, points[0].TruePositiveRate));
        Assert.Equal((1.0, 1.0), (points[^1].FalsePositiveRate, points[^1].TruePositiveRate));
        for (var i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].FalsePositiveRate >= points[i - 1].FalsePositiveRate);
            Assert.True(points[i].TruePositiveRate >= points[i - 1].TruePositiveRate);
        }
    }

    [Fact]
    public void Compute_Thinned_KeepsTheEndsAndAtMostThePointsAskedFor()
    {
        var random = new Random(4);
        var p = Enumerable.Range(0, 2_000).Select(_ => random.NextDouble()).ToArray();
        var y = p.Select(q => random.NextDouble() < q).ToArray();
        var full = RocCurve.Compute(p, y);
        var thin = RocCurve.Compute(p, y, maxPoints: 50);

        Assert.True(full.Count > 1_000);
        Assert.Equal(50, thin.Count);
        Assert.Equal(full[0], thin[0]);
        Assert.Equal(full[^1], thin[^1]);
        Assert.Equal(RocCurve.Area(full), RocCurve.Area(thin), 2);
    }

    [Fact]
    public void Compute_OneClass_IsEmpty_AndBadInputIsRefused()
    {
        Assert.Empty(RocCurve.Compute([0.1, 0.2], [false, false]));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute([0.1], [true, false]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RocCurve.Compute([0.1], [true], maxPoints: 1));
    }
}
