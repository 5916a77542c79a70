using System.Globalization;

namespace ClickPredict.Core.Shading;

/// <summary>
/// Settings of <see cref="WinRateLearner"/>: the size of the hashed tables, the per-coordinate adaptive
/// step (RMSProp with bias correction, so the step never decays away and the curve follows a market that
/// drifts), and the prior curve every exchange starts from. Immutable; <see cref="Validate"/> names the
/// first value out of range.
/// </summary>
public sealed record WinRateLearnerOptions
{
    /// <summary>Names of the settings as model files record them.</summary>
    public const string HashBitsKey = "hashBits", LearningRateKey = "learningRate", ScaleLearningRateKey = "scaleLearningRate",
        DecayKey = "decay", AveragingKey = "averagingWindow", L2Key = "lambda2", PriorMedianKey = "priorMedianCpm", PriorSpreadKey = "priorSpread";

    /// <summary>The tables have 2^HashBits slots (4-24). A few hundred keys per exchange: 14 keeps collisions rare.</summary>
    public int HashBits { get; init; } = 14;

    /// <summary>Seeds the slot hash.</summary>
    public uint Seed { get; init; } = 17;

    /// <summary>Step of the location weights (log CPM per update, before normalisation), &gt; 0.</summary>
    public double LearningRate { get; init; } = 0.003;

    /// <summary>Step of the spread weights, &gt; 0.</summary>
    public double ScaleLearningRate { get; init; } = 0.003;

    /// <summary>Decay of the running mean of squared gradients, in (0, 1): the memory is about <c>1 / (1 - decay)</c> updates of a slot.</summary>
    public double Decay { get; init; } = 0.999;

    /// <summary>The served weights average the working ones over about this many of their last steps (&gt;= 1; 1 serves the working weights).</summary>
    public int AveragingWindow { get; init; } = 2_000;

    /// <summary>L2 pull of every weight towards the prior, &gt;= 0.</summary>
    public double Lambda2 { get; init; }

    /// <summary>The median price to beat (CPM) a new exchange starts from, &gt; 0.</summary>
    public double PriorMedianCpm { get; init; } = 1.0;

    /// <summary>The spread (logistic scale of the log price) a new exchange starts from, in [0.02, 5].</summary>
    public double PriorSpread { get; init; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Check(HashBits is >= 4 and <= 24, HashBitsKey, HashBits, "must be in [4, 24]");
        Check(double.IsFinite(LearningRate) && LearningRate > 0, LearningRateKey, LearningRate, "must be a finite number > 0");
        Check(double.IsFinite(ScaleLearningRate) && ScaleLearningRate > 0, ScaleLearningRateKey, ScaleLearningRate, "must be a finite number > 0");
        Check(Decay is > 0 and < 1, DecayKey, Decay, "must be in (0, 1)");
        Check(AveragingWindow >= 1, AveragingKey, AveragingWindow, "must be at least 1");
        Check(double.IsFinite(Lambda2) && Lambda2 >= 0, L2Key, Lambda2, "must be a finite number >= 0");
        Check(double.IsFinite(PriorMedianCpm) && PriorMedianCpm > 0, PriorMedianKey, PriorMedianCpm, "must be a finite number > 0");
        Check(PriorSpread is >= WinRateWeights.MinSigma and <= WinRateWeights.MaxSigma, PriorSpreadKey, PriorSpread, "must be in [0.02, 5]");
    }

    /// <summary>The settings as a model file records them.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [HashBitsKey] = HashBits,
        [LearningRateKey] = LearningRate,
        [ScaleLearningRateKey] = ScaleLearningRate,
        [DecayKey] = Decay,
        [AveragingKey] = AveragingWindow,
        [L2Key] = Lambda2,
        [PriorMedianKey] = PriorMedianCpm,
        [PriorSpreadKey] = PriorSpread,
    };

    private static void Check(bool ok, string name, double value, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"win-rate learner {name} {problem}, not {value}"));
        }
    }
}
