namespace ClickPredict.Core.Metrics;

/// <summary>
/// The ROC curve of probabilistic predictions: for every threshold between distinct scores, the
/// fraction of non-clicks (false positive rate) and of clicks (true positive rate) scored at or above
/// it, from (0, 0) to (1, 1). Tied scores move both rates at once (a diagonal step), so the area under
/// the points, by trapezoids, is exactly <see cref="BinaryMetrics.Auc"/>.
/// </summary>
public static class RocCurve
{
    /// <summary>
    /// The curve's points, from the highest threshold down. With <paramref name="maxPoints"/> the curve
    /// is thinned to about that many points, keeping the ends. Empty when either class is absent.
    /// </summary>
    public static IReadOnlyList<RocPoint> Compute(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels, int maxPoints = int.MaxValue)
    {
        if (predictions.Length != labels.Length)
        {
            throw new ArgumentException($"{predictions.Length} predictions but {labels.Length} labels");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        var n = predictions.Length;
        long positives = 0;
        foreach (var label in labels)
        {
            positives += label ? 1 : 0;
        }

        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return [];
        }

        var keys = predictions.ToArray();
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        var points = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        long truePositives = 0, falsePositives = 0;
        var k = n - 1;
        while (k >= 0)
        {
            // One point per run of equal scores, taken from the top.
            var threshold = keys[k];
            while (k >= 0 && keys[k] == threshold)
            {
                if (labels[order[k]])
                {
                    truePositives++;
                }
                else
                {
                    falsePositives++;
                }

                k--;
            }

            points.Add(new RocPoint((double)falsePositives / negatives, (double)truePositives / positives, threshold));
        }

        return points.Count <= maxPoints ? points : Thin(points, maxPoints);
    }

    /// <summary>Area under the points by trapezoids.</summary>
    public static double Area(IReadOnlyList<RocPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var area = 0.0;
        for (var i = 1; i < points.Count; i++)
        {
            area += (points[i].FalsePositiveRate - points[i - 1].FalsePositiveRate) * (points[i].TruePositiveRate + points[i - 1].TruePositiveRate) / 2;
        }

        return area;
    }

    private static List<RocPoint> Thin(List<RocPoint> points, int maxPoints)
    {
        // Evenly spaced along the list, first and last kept: a chart of the curve, not the curve.
        var thinned = new List<RocPoint>(maxPoints);
        var last = points.Count - 1;
        for (var j = 0; j < maxPoints; j++)
        {
            thinned.Add(points[(int)Math.Round((double)j * last / (maxPoints - 1))]);
        }

        return thinned;
    }
}
