namespace ClickPredict.Bidder.Status;

/// <summary>
/// Lock-free counts of request durations in geometric bins (10 microseconds to about 10 seconds, 25%
/// apart), enough to read p50 and p99 of a time bucket within a bin's width. The counts are striped by
/// processor (<see cref="StripedCounts"/>): the bidder's request threads record into it at once.
/// </summary>
internal sealed class LatencyHistogram
{
    public const int Bins = 64;
    private const double FirstUpperSeconds = 10e-6;
    private const double Ratio = 1.25;
    private static readonly double s_logRatio = Math.Log(Ratio);

    private readonly StripedCounts _counts = new(Bins);

    public void Record(double seconds)
    {
        var bin = seconds <= FirstUpperSeconds ? 0 : (int)Math.Ceiling(Math.Log(seconds / FirstUpperSeconds) / s_logRatio);
        _counts.Increment(Math.Min(bin, Bins - 1));
    }

    public void Clear() => _counts.Clear();

    /// <summary>The upper bound (seconds) of the bin holding quantile <paramref name="q"/>; NaN when empty.</summary>
    public double Quantile(double q)
    {
        // One read of each bin: requests recorded meanwhile do not make the two passes disagree.
        Span<long> counts = stackalloc long[Bins];
        long total = 0;
        for (var i = 0; i < Bins; i++)
        {
            counts[i] = _counts.Read(i);
            total += counts[i];
        }

        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < Bins; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }

        return UpperBound(Bins - 1);
    }

    public static double UpperBound(int bin) => FirstUpperSeconds * Math.Pow(Ratio, bin);
}
