using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Model;

/// <summary>
/// An immutable logistic-regression CTR model over hashed features:
/// <c>pCTR = sigmoid(bias + sum of w[i] over the example's feature indices)</c>, re-calibrated for
/// negative down-sampling. The bias is a term of its own; a feature never seen in training has
/// weight zero and so contributes nothing. Safe to share between threads.
/// </summary>
/// <remarks>
/// Every scoring path adds the same terms in the same order (bias, request features, candidate
/// features) one at a time in double precision, so a request scored in the bidder and the same
/// example replayed offline give bit-identical pCTRs.
/// </remarks>
public sealed class LogisticModel
{
    private readonly float[]? _dense;
    private readonly SparseWeights? _sparse;

    private LogisticModel(ModelInfo info, FeatureSpec spec, double bias, float[]? dense, SparseWeights? sparse, int nonZero)
    {
        Info = info;
        Spec = spec;
        Hasher = new FeatureHasher(spec);
        Bias = bias;
        _dense = dense;
        _sparse = sparse;
        NonZeroCount = nonZero;
    }

    public ModelInfo Info { get; }

    public FeatureSpec Spec { get; }

    /// <summary>The spec, compiled: what turns raw fields into this model's feature indices.</summary>
    public FeatureHasher Hasher { get; }

    public double Bias { get; }

    public int NonZeroCount { get; }

    public bool IsSparse => _sparse is not null;

    /// <summary>Bytes the weights take in memory.</summary>
    public long WeightBytes => _dense is not null ? (long)_dense.Length * sizeof(float) : _sparse!.Bytes;

    /// <summary>
    /// A model from dense weights (<c>2^hashBits</c> of them, all finite). The array is copied when
    /// kept dense, so the caller may go on changing its own.
    /// </summary>
    public static LogisticModel Create(ModelInfo info, FeatureSpec spec, double bias, ReadOnlySpan<float> weights, ModelLayout layout = ModelLayout.Auto)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(spec);
        if (weights.Length != spec.Size)
        {
            throw new ArgumentException($"expected {spec.Size} weights (2^{spec.HashBits}), got {weights.Length}", nameof(weights));
        }

        if (!double.IsFinite(bias))
        {
            throw new ArgumentException($"bias is not finite ({bias})", nameof(bias));
        }

        CheckCalibration(info);
        var nonZero = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new ArgumentException($"weight {i} is not finite ({weights[i]})", nameof(weights));
            }

            if (weights[i] != 0f)
            {
                nonZero++;
            }
        }

        if (Sparse(layout, nonZero, spec.Size))
        {
            var indices = new int[nonZero];
            var values = new float[nonZero];
            var n = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                if (weights[i] != 0f)
                {
                    indices[n] = i;
                    values[n++] = weights[i];
                }
            }

            return new LogisticModel(info, spec, bias, null, new SparseWeights(indices, values), nonZero);
        }

        return new LogisticModel(info, spec, bias, weights.ToArray(), null, nonZero);
    }

    /// <summary>A model from its non-zero weights: distinct indices below <c>2^hashBits</c>, finite values.</summary>
    public static LogisticModel CreateSparse(ModelInfo info, FeatureSpec spec, double bias, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ModelLayout layout = ModelLayout.Auto)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (indices.Length != values.Length)
        {
            throw new ArgumentException("indices and values differ in length", nameof(values));
        }

        var dense = new float[spec.Size];
        for (var i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)dense.Length)
            {
                throw new ArgumentException($"index {indices[i]} is outside 0..{dense.Length - 1}", nameof(indices));
            }

            dense[indices[i]] = values[i];
        }

        return Create(info, spec, bias, dense, layout);
    }

    /// <summary>The same weights under another header (a new version, say).</summary>
    public LogisticModel WithInfo(ModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        CheckCalibration(info);
        return new LogisticModel(info, Spec, Bias, _dense, _sparse, NonZeroCount);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Weight(int index) => _dense is not null ? _dense[index] : _sparse!.Get(index);

    /// <summary>Calls <paramref name="visit"/> with every non-zero weight, in index order.</summary>
    public void ForEachNonZero(Action<int, float> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        for (var i = 0; i < Spec.Size; i++)
        {
            var w = Weight(i);
            if (w != 0f)
            {
                visit(i, w);
            }
        }
    }

    /// <summary>Writes all <c>2^hashBits</c> weights into <paramref name="destination"/>.</summary>
    public void CopyWeightsTo(Span<float> destination)
    {
        if (_dense is not null)
        {
            _dense.CopyTo(destination);
            return;
        }

        destination = destination[..Spec.Size];
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = _sparse!.Get(i);
        }
    }

    /// <summary>Adds the weights of <paramref name="indices"/> to <paramref name="start"/>, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Accumulate(double start, ReadOnlySpan<int> indices)
    {
        var sum = start;
        if (_dense is not null)
        {
            var dense = _dense;
            foreach (var index in indices)
            {
                sum += dense[index];
            }
        }
        else
        {
            foreach (var index in indices)
            {
                sum += _sparse!.Get(index);
            }
        }

        return sum;
    }

    /// <summary>
    /// Asks the CPU to start loading the weights of <paramref name="indices"/> into cache, so a later
    /// <see cref="Accumulate"/> finds them there. A hint only: it changes no result, and does
    /// nothing for sparse models or where the CPU has no prefetch instruction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ReadOnlySpan<int> indices)
    {
        if (_dense is null || !Sse.IsSupported)
        {
            return;
        }

        fixed (float* weights = _dense)
        {
            foreach (var index in indices)
            {
                // A prefetch never faults, but indices come masked to the table anyway.
                Sse.Prefetch0(weights + index);
            }
        }
    }

    /// <summary>The logit of an example given all its feature indices (request features first).</summary>
    public double Logit(ReadOnlySpan<int> indices) => Accumulate(Bias, indices);

    /// <summary>The calibrated pCTR of an example given all its feature indices.</summary>
    public double PredictIndices(ReadOnlySpan<int> indices) => Probability(Logit(indices));

    /// <summary>The calibrated pCTR of one complete example (request and candidate fields filled in).</summary>
    [SkipLocalsInit]
    public double Predict(FieldValues values)
    {
        Span<int> indices = stackalloc int[Hasher.FeatureCount];
        Hasher.Indices(values, indices);
        return PredictIndices(indices);
    }

    /// <summary>
    /// First half of scoring several candidates for one request: hashes the request fields into
    /// <paramref name="slotHashes"/> (at least <see cref="FeatureHasher.SlotCount"/> long) and
    /// returns the bias plus the request features' weights.
    /// </summary>
    [SkipLocalsInit]
    public double RequestLogit(FieldValues values, Span<uint> slotHashes)
    {
        Hasher.HashRequestFields(values, slotHashes);
        Span<int> indices = stackalloc int[Hasher.RequestFeatureCount];
        Hasher.RequestIndices(slotHashes, indices);
        return Accumulate(Bias, indices);
    }

    /// <summary>
    /// Second half: with the candidate's fields now in <paramref name="values"/>, adds its features to
    /// <paramref name="requestLogit"/> and returns the calibrated pCTR.
    /// </summary>
    [SkipLocalsInit]
    public double PredictCandidate(double requestLogit, FieldValues values, Span<uint> slotHashes)
    {
        Hasher.HashCandidateFields(values, slotHashes);
        Span<int> indices = stackalloc int[Hasher.CandidateFeatureCount];
        Hasher.CandidateIndices(slotHashes, indices);
        return Probability(Accumulate(requestLogit, indices));
    }

    /// <summary>Sigmoid of a logit, re-calibrated for the training's negative down-sampling.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Probability(double logit) => Logistic.Recalibrate(Logistic.Sigmoid(logit), Info.NegativeSamplingRate);

    public override string ToString() => $"{Info.Label} ({Info.Algorithm}, {Spec.Name} {Spec.FingerprintHex}, {NonZeroCount} non-zero of 2^{Spec.HashBits})";

    private static bool Sparse(ModelLayout layout, int nonZero, int size) => layout switch
    {
        ModelLayout.Dense => false,
        ModelLayout.Sparse => true,
        _ => nonZero <= size / 4,
    };

    private static void CheckCalibration(ModelInfo info)
    {
        if (!(info.NegativeSamplingRate is > 0 and <= 1))
        {
            throw new ArgumentException($"negativeSamplingRate must be in (0, 1], not {info.NegativeSamplingRate}", nameof(info));
        }
    }
}
