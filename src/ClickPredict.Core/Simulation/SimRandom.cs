using System.Numerics;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// xoshiro256** (Blackman and Vigna) seeded through SplitMix64: a small, fast generator whose
/// sequence is fixed by its seed on every platform and runtime version.
/// </summary>
internal sealed class SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SimRandom(long seed)
    {
        var x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextULong()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(NextDouble() * n);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Exponential with the given mean.</summary>
    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An index drawn from a cumulative distribution (ascending, last entry 1).</summary>
    public int PickCumulative(double[] cumulative)
    {
        var index = Array.BinarySearch(cumulative, NextDouble());
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, cumulative.Length - 1);
    }

    public static double[] Cumulative(IReadOnlyList<double> weights)
    {
        var total = weights.Sum();
        var cumulative = new double[weights.Count];
        var running = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            running += weights[i] / total;
            cumulative[i] = running;
        }

        cumulative[^1] = 1.0;
        return cumulative;
    }

    /// <summary>Cumulative Zipf distribution over <paramref name="n"/> ranks with exponent <paramref name="s"/>.</summary>
    public static double[] Zipf(int n, double s)
    {
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = 1.0 / Math.Pow(i + 1, s);
        }

        return Cumulative(weights);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
