using ClickPredict.Core.Features;

namespace ClickPredict.Core.Learning;

/// <summary>
/// The mutable state of an FTRL-Proximal learner, kept apart from the algorithm: per coordinate the
/// accumulators <c>z</c> (the adjusted gradient sum) and <c>n</c> (the squared gradient sum, kept as
/// <c>sqrt(n)</c>, the form both the weight and the update use), the
/// bias's own pair, the number of examples learned and the progressive-validation sums; plus the
/// feature spec and hyper-parameters that give them meaning. A checkpoint
/// (<see cref="Write"/>, <see cref="Load"/>) stores all of it bit for bit, so a learner restored from
/// it continues exactly as the one that wrote it would have (see <c>FtrlState.File.cs</c>).
/// </summary>
public sealed partial class FtrlState
{
    // z and sqrt(n) of coordinate i sit side by side at [2i] and [2i + 1]: one cache line serves both.
    private readonly double[] _zn;

    /// <summary>A fresh state: every weight zero.</summary>
    public FtrlState(FeatureSpec spec, FtrlOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Spec = spec;
        Options = options;
        _zn = new double[2 * spec.Size];
    }

    public FeatureSpec Spec { get; }

    public FtrlOptions Options { get; }

    /// <summary>Number of weight coordinates, <c>2^hashBits</c>.</summary>
    public int Size => Spec.Size;

    public double BiasZ { get; internal set; }

    public double BiasN { get; internal set; }

    /// <summary>Examples learned, counting each pass.</summary>
    public long ExamplesSeen { get; internal set; }

    /// <summary>Progressive validation over every example learned.</summary>
    public ProgressiveValidation Validation { get; } = new();

    /// <summary>Interleaved accumulators: <c>z</c> of coordinate i at <c>[2i]</c>, <c>sqrt(n)</c> at <c>[2i + 1]</c>.</summary>
    internal double[] Accumulators => _zn;

    public double Z(int index) => _zn[2 * index];

    /// <summary>The sum of squared gradients of coordinate <paramref name="index"/>.</summary>
    public double N(int index) => RootN(index) * RootN(index);

    /// <summary>The square root of <see cref="N"/>, as stored.</summary>
    public double RootN(int index) => _zn[(2 * index) + 1];

    /// <summary>Coordinates whose accumulators are not both zero (those a checkpoint stores).</summary>
    public int TouchedCount()
    {
        var count = 0;
        for (var i = 0; i < _zn.Length; i += 2)
        {
            count += IsTouched(i) ? 1 : 0;
        }

        return count;
    }

    /// <summary>Whether two states hold bit-identical accumulators, counters and validation sums.</summary>
    public bool BitEquals(FtrlState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Spec.Fingerprint == other.Spec.Fingerprint
            && Options == other.Options
            && Bits(BiasZ) == Bits(other.BiasZ)
            && Bits(BiasN) == Bits(other.BiasN)
            && ExamplesSeen == other.ExamplesSeen
            && Validation.Count == other.Validation.Count
            && Validation.Positives == other.Validation.Positives
            && Bits(Validation.WeightSum) == Bits(other.Validation.WeightSum)
            && Bits(Validation.LossSum) == Bits(other.Validation.LossSum)
            && Bits(Validation.PredictionSum) == Bits(other.Validation.PredictionSum)
            && Bits(Validation.PositiveWeight) == Bits(other.Validation.PositiveWeight)
            && System.Runtime.InteropServices.MemoryMarshal.AsBytes(_zn.AsSpan()).SequenceEqual(
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(other._zn.AsSpan()));
    }

    private bool IsTouched(int at) => Bits(_zn[at]) != 0 || Bits(_zn[at + 1]) != 0;

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);
}
