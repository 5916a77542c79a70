using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Learning;

/// <summary>
/// Online logistic regression by FTRL-Proximal (McMahan et al. 2013, Algorithm 1) over hashed
/// feature indices (<see cref="FeatureHasher.Indices"/>): per-coordinate learning rates, L1 and L2.
/// Every feature has value 1; a coordinate's weight is computed lazily from its accumulators,
/// <c>w = 0</c> when <c>|z| &lt;= lambda1</c>, else <c>-(z - sign(z) lambda1) / ((beta + sqrt(n)) / alpha + lambda2)</c>.
/// The bias is a coordinate of its own, never regularised. Weights start at zero.
/// </summary>
/// <remarks>
/// <see cref="Learn"/> scores each example before learning it (progressive validation, reported in
/// <see cref="Validation"/>), allocates nothing and depends only on its inputs and the state, so a
/// given input order always gives the same model, to the bit. An index that occurs twice in one
/// example counts twice in the score and is updated twice (with the weight computed before the
/// first update). Not thread-safe: one learner per thread.
/// </remarks>
public sealed class FtrlLearner
{
    /// <summary>Most features one example may have (what the hasher can produce).</summary>
    public const int MaxFeatures = FeatureHasher.MaxSlots;

    private readonly FtrlState _state;
    private readonly double[] _zn;
    private readonly double _beta;
    private readonly double _lambda1;
    private readonly double _lambda2;
    private readonly double _inverseAlpha;
    private readonly double _negativeRate;
    private readonly double _negativeWeight;
    private readonly int _size;

    /// <summary>A learner with fresh state (all weights zero).</summary>
    public FtrlLearner(FeatureSpec spec, FtrlOptions? options = null)
        : this(new FtrlState(spec, options ?? new FtrlOptions()))
    {
    }

    /// <summary>A learner that continues from <paramref name="state"/> (a restored checkpoint, say), which it then owns.</summary>
    public FtrlLearner(FtrlState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var options = state.Options;
        options.Validate();
        _state = state;
        _zn = state.Accumulators;
        _beta = options.Beta;
        _lambda1 = options.Lambda1;
        _lambda2 = options.Lambda2;
        _inverseAlpha = 1.0 / options.Alpha;
        _negativeRate = options.NegativeSamplingRate;
        _negativeWeight = 1.0 / options.NegativeSamplingRate;
        _size = state.Size;
    }

    public FeatureSpec Spec => _state.Spec;

    public FtrlOptions Options => _state.Options;

    /// <summary>The learner's mutable state, to checkpoint with <see cref="FtrlState.Save"/>.</summary>
    public FtrlState State => _state;

    /// <summary>Examples learned, counting each pass.</summary>
    public long ExamplesSeen => _state.ExamplesSeen;

    /// <summary>Progressive validation: every example scored just before it was learned.</summary>
    public ProgressiveValidation Validation => _state.Validation;

    /// <summary>
    /// A learner that starts from <paramref name="model"/>'s weights (with fresh learning rates), so
    /// training can continue from a model that has no checkpoint. The model's feature spec is kept;
    /// a different negative sampling rate in <paramref name="options"/> moves the bias to match.
    /// </summary>
    public static FtrlLearner FromModel(LogisticModel model, FtrlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new FtrlOptions();
        var state = new FtrlState(model.Spec, options);
        var zn = state.Accumulators;
        // With n = 0 a coordinate's weight is -(z - sign(z) lambda1) / (beta / alpha + lambda2): invert that.
        var scale = (options.Beta / options.Alpha) + options.Lambda2;
        for (var i = 0; i < model.Spec.Size; i++)
        {
            double w = model.Weight(i);
            if (w != 0)
            {
                zn[2 * i] = -((w * scale) + (Math.Sign(w) * options.Lambda1));
            }
        }

        // Both rates are in the logit's terms: the served logit is raw + ln(rate).
        var bias = model.Bias + Math.Log(model.Info.NegativeSamplingRate) - Math.Log(options.NegativeSamplingRate);
        state.BiasZ = -bias * options.Beta / options.Alpha;
        return new FtrlLearner(state);
    }

    /// <summary>The learner's current weight of coordinate <paramref name="index"/>.</summary>
    public double Weight(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_size, nameof(index));
        return Weight(_zn[2 * index], _zn[(2 * index) + 1], _lambda1, _lambda2);
    }

    /// <summary>The learner's current bias.</summary>
    public double Bias => Weight(_state.BiasZ, Math.Sqrt(_state.BiasN), 0, 0);

    /// <summary>The logit before re-calibration: bias plus the current weights of <paramref name="indices"/>.</summary>
    public double RawLogit(ReadOnlySpan<int> indices)
    {
        var logit = Bias;
        foreach (var index in indices)
        {
            logit += Weight(index);
        }

        return logit;
    }

    /// <summary>The calibrated pCTR the learner currently gives an example.</summary>
    public double Predict(ReadOnlySpan<int> indices) => Logistic.Recalibrate(Logistic.Sigmoid(RawLogit(indices)), _negativeRate);

    /// <summary>
    /// Scores one example, adds it to progressive validation, then learns it. Returns the calibrated
    /// prediction made before learning. <paramref name="importance"/> multiplies the example's
    /// gradient and its weight in validation: give <c>1 / rate</c> to a negative kept by
    /// down-sampling at that rate (see <see cref="NegativeDownsampler"/>), 1 otherwise.
    /// </summary>
    [SkipLocalsInit]
    public double Learn(ReadOnlySpan<int> indices, bool clicked, double importance = 1.0)
    {
        if (indices.Length > MaxFeatures)
        {
            ThrowTooManyFeatures(indices.Length);
        }

        if (!(importance > 0 && double.IsFinite(importance)))
        {
            ThrowBadImportance(importance);
        }

        var zn = _zn;
        // The accumulators of 2^hashBits coordinates do not fit in cache: ask for all of the example's
        // lines at once, so their misses overlap instead of queueing behind each square root.
        Prefetch(zn, indices);
        Span<double> weights = stackalloc double[indices.Length];
        var lambda1 = _lambda1;
        var lambda2 = _lambda2;
        var size = (uint)_size;

        // Pass 1: the weights the example sees, and its logit, in index order (as the model will add them).
        var logit = Weight(_state.BiasZ, Math.Sqrt(_state.BiasN), 0, 0);
        var biasWeight = logit;
        for (var k = 0; k < indices.Length; k++)
        {
            var index = indices[k];
            if ((uint)index >= size)
            {
                ThrowBadIndex(index);
            }

            var w = Weight(zn[2 * index], zn[(2 * index) + 1], lambda1, lambda2);
            weights[k] = w;
            logit += w;
        }

        if (!double.IsFinite(logit))
        {
            ThrowNotFinite(logit);
        }

        var p = Logistic.Sigmoid(logit);
        var calibrated = Logistic.Recalibrate(p, _negativeRate);
        _state.Validation.Add(calibrated, clicked, clicked ? importance : importance * _negativeWeight);

        // Pass 2: the logistic loss's gradient for a value-1 feature is (p - y), scaled by the importance.
        var g = (p - (clicked ? 1.0 : 0.0)) * importance;
        var g2 = g * g;
        var inverseAlpha = _inverseAlpha;
        for (var k = 0; k < indices.Length; k++)
        {
            // The state keeps sqrt(n), so the weight needs no square root and the update needs one.
            var at = 2 * indices[k];
            var root = zn[at + 1];
            var rootNew = Math.Sqrt((root * root) + g2);
            var sigma = (rootNew - root) * inverseAlpha;
            zn[at] += g - (sigma * weights[k]);
            zn[at + 1] = rootNew;
        }

        var biasN = _state.BiasN;
        var biasNNew = biasN + g2;
        _state.BiasZ += g - ((Math.Sqrt(biasNNew) - Math.Sqrt(biasN)) * inverseAlpha * biasWeight);
        _state.BiasN = biasNNew;
        _state.ExamplesSeen++;
        return calibrated;
    }

    /// <summary>
    /// The model the learner has learned so far: its current weights rounded to float (sparse, as L1
    /// leaves most at zero), its bias, and a header naming the algorithm, hyper-parameters and
    /// negative sampling rate. <paramref name="info"/> supplies the rest (id, training data, metrics,
    /// cost); the learner adds <c>progressiveLogLoss</c> to the metrics and its examples to the cost
    /// when they are not given. Throws when a weight is not finite.
    /// </summary>
    public LogisticModel ToModel(ModelInfo? info = null)
    {
        info ??= new ModelInfo();
        var indices = new List<int>();
        var values = new List<float>();
        for (var i = 0; i < _size; i++)
        {
            var z = _zn[2 * i];
            if (Math.Abs(z) <= _lambda1)
            {
                continue;
            }

            var w = (float)Weight(z, _zn[(2 * i) + 1], _lambda1, _lambda2);
            if (!float.IsFinite(w))
            {
                throw new InvalidOperationException($"FTRL weight {i} is not finite ({w}); the model is refused");
            }

            if (w != 0f)
            {
                indices.Add(i);
                values.Add(w);
            }
        }

        var bias = Bias;
        if (!double.IsFinite(bias))
        {
            throw new InvalidOperationException($"FTRL bias is not finite ({bias}); the model is refused");
        }

        var metrics = new Dictionary<string, double>(info.Metrics, StringComparer.Ordinal);
        if (Validation.Count > 0)
        {
            metrics.TryAdd("progressiveLogLoss", Validation.LogLoss);
        }

        var full = info with
        {
            Algorithm = "ftrl",
            HyperParameters = Options.ToDictionary(),
            NegativeSamplingRate = _negativeRate,
            Metrics = metrics,
            Cost = info.Cost with { ExamplesSeen = info.Cost.ExamplesSeen > 0 ? info.Cost.ExamplesSeen : ExamplesSeen },
        };
        return LogisticModel.CreateSparse(full, Spec, bias, [.. indices], [.. values]);
    }

    private static unsafe void Prefetch(double[] zn, ReadOnlySpan<int> indices)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var pairs = (uint)(zn.Length / 2);
        fixed (double* accumulators = zn)
        {
            foreach (var index in indices)
            {
                if ((uint)index < pairs)
                {
                    Sse.Prefetch0(accumulators + (2L * index));
                }
            }
        }
    }

    /// <summary>A coordinate's weight from its <c>z</c> and <c>sqrt(n)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Weight(double z, double rootN, double lambda1, double lambda2)
    {
        // The proximal step: the closed-form minimiser of the regularised linearised loss.
        if (Math.Abs(z) <= lambda1)
        {
            return 0.0;
        }

        var shrunk = z > 0 ? z - lambda1 : z + lambda1;
        return -shrunk / (((_beta + rootN) * _inverseAlpha) + lambda2);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooManyFeatures(int count) =>
        throw new ArgumentException($"an example has {count} features; at most {MaxFeatures} are allowed");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadImportance(double importance) =>
        throw new ArgumentOutOfRangeException(nameof(importance), importance, "an importance weight must be a finite number > 0");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"feature index outside 0..{_size - 1}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotFinite(double logit) =>
        throw new InvalidOperationException($"FTRL logit is not finite ({logit}): the weights have diverged");
}
