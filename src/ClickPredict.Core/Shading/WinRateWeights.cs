using System.Runtime.CompilerServices;

namespace ClickPredict.Core.Shading;

/// <summary>
/// The numbers behind a win curve: per hashed slot, a weight of the location (log of the median price to
/// beat) and one of the log of the spread, plus an offset of each (the prior every exchange starts from).
/// A model holds its own copy, never written again; the learner writes its own.
/// </summary>
internal sealed class WinRateWeights
{
    /// <summary>The spread is kept in <c>[MinSigma, MaxSigma]</c>: a curve never becomes a step or flat.</summary>
    public const double MinSigma = 0.02, MaxSigma = 5.0;

    public WinRateWeights(int hashBits, uint seed, double locationOffset, double logScaleOffset, double[] location, double[] logScale)
    {
        HashBits = hashBits;
        Seed = seed;
        Mask = (1 << hashBits) - 1;
        LocationOffset = locationOffset;
        LogScaleOffset = logScaleOffset;
        Location = location;
        LogScale = logScale;
    }

    public int HashBits { get; }

    public uint Seed { get; }

    public int Mask { get; }

    public double LocationOffset { get; }

    public double LogScaleOffset { get; }

    public double[] Location { get; }

    public double[] LogScale { get; }

    public static WinRateWeights Zero(int hashBits, uint seed, double locationOffset, double logScaleOffset) =>
        new(hashBits, seed, locationOffset, logScaleOffset, new double[1 << hashBits], new double[1 << hashBits]);

    public WinRateWeights Copy() =>
        new(HashBits, Seed, LocationOffset, LogScaleOffset, (double[])Location.Clone(), (double[])LogScale.Clone());

    /// <summary>The curve of <paramref name="context"/>.</summary>
    [SkipLocalsInit]
    public LogLogisticCurve Curve(in ShadingContext context)
    {
        Span<int> slots = stackalloc int[ShadingFeatures.Count];
        Span<double> values = stackalloc double[ShadingFeatures.Count];
        ShadingFeatures.Fill(context, Seed, Mask, slots, values);
        return Curve(slots, values);
    }

    /// <summary>The curve of features already filled into <paramref name="slots"/> and <paramref name="values"/>.</summary>
    public LogLogisticCurve Curve(ReadOnlySpan<int> slots, ReadOnlySpan<double> values)
    {
        var location = Location;
        var logScale = LogScale;
        var inScale = ShadingFeatures.InScale;
        var mu = LocationOffset;
        var rho = LogScaleOffset;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            mu += location[slot] * values[i];
            if (inScale[i])
            {
                rho += logScale[slot] * values[i];
            }
        }

        return new LogLogisticCurve(mu, Math.Clamp(Math.Exp(rho), MinSigma, MaxSigma));
    }
}
