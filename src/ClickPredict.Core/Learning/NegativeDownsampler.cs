namespace ClickPredict.Core.Learning;

/// <summary>
/// Negative down-sampling (He et al. 2014): keeps every click and a fraction <see cref="Rate"/> of the
/// non-clicks, drawn from a seeded generator, so the same seed and input order keep the same examples.
/// A kept negative stands for <c>1 / rate</c> negatives of the full stream, its <see cref="Importance"/>.
/// Two correct ways to learn from the kept examples:
/// <list type="bullet">
/// <item>learn them unweighted with <see cref="FtrlOptions.NegativeSamplingRate"/> set to <see cref="Rate"/>:
/// the model learns the down-sampled odds and re-calibrates its predictions with
/// <c>q = p / (p + (1 - p) / rate)</c>, which the model file records;</item>
/// <item>or learn each with its <see cref="Importance"/> as weight and leave the options' rate at 1:
/// the weighted loss is the full stream's, so predictions need no re-calibration.</item>
/// </list>
/// Allocation-free; not thread-safe.
/// </summary>
public sealed class NegativeDownsampler
{
    private ulong _state;

    /// <param name="rate">Fraction of negatives kept, in (0, 1].</param>
    /// <param name="seed">Seeds which negatives are kept.</param>
    public NegativeDownsampler(double rate, ulong seed = 1)
    {
        if (!(rate is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "the negative sampling rate must be in (0, 1]");
        }

        Rate = rate;
        Seed = seed;
        _state = seed;
    }

    public double Rate { get; }

    public ulong Seed { get; }

    /// <summary>Where the draws are: give it to <see cref="Resume"/> to go on with the same draws after a restart.</summary>
    public ulong Position => _state;

    /// <summary>Goes on from <paramref name="position"/> (a <see cref="Position"/> saved earlier).</summary>
    public void Resume(ulong position) => _state = position;

    /// <summary>Examples offered so far.</summary>
    public long Offered { get; private set; }

    /// <summary>Examples kept so far.</summary>
    public long Kept { get; private set; }

    /// <summary>Whether to keep an example: always for a click, with probability <see cref="Rate"/> for a non-click.</summary>
    public bool Keep(bool clicked)
    {
        Offered++;
        // Draw for every example, clicks too, so which negatives are kept depends only on the position in the stream.
        var u = NextDouble();
        var keep = clicked || Rate >= 1.0 || u < Rate;
        Kept += keep ? 1 : 0;
        return keep;
    }

    /// <summary>How many examples of the full stream a kept one stands for: 1 for a click, <c>1 / rate</c> for a non-click.</summary>
    public double Importance(bool clicked) => clicked ? 1.0 : 1.0 / Rate;

    // SplitMix64 (Steele, Lea and Flood 2014): a full-period 64-bit generator, one add and a mix per draw.
    private double NextDouble()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
