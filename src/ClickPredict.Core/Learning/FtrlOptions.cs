using System.Globalization;

namespace ClickPredict.Core.Learning;

/// <summary>
/// Hyper-parameters of FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View from the Trenches",
/// KDD 2013). Coordinate <c>i</c>'s learning rate is <c>alpha / (beta + sqrt(n_i))</c>, where
/// <c>n_i</c> sums its squared gradients; <c>lambda1</c> (L1) sets weights exactly to zero, <c>lambda2</c>
/// (L2) shrinks them. The bias follows the same per-coordinate rate and is never regularised.
/// Immutable; <see cref="Validate"/> names the first value out of range.
/// </summary>
public sealed record FtrlOptions
{
    /// <summary>Names of the hyper-parameters as model files record them.</summary>
    public const string AlphaKey = "alpha", BetaKey = "beta", L1Key = "lambda1", L2Key = "lambda2", NegativeRateKey = "negativeSamplingRate";

    /// <summary>Learning-rate scale (> 0).</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Learning-rate smoothing (> 0; 1 is the paper's choice): keeps the first steps of a coordinate bounded.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>L1 strength (>= 0). Larger gives sparser models.</summary>
    public double Lambda1 { get; init; } = 1.0;

    /// <summary>L2 strength (>= 0).</summary>
    public double Lambda2 { get; init; } = 1.0;

    /// <summary>
    /// Fraction of negatives kept in the stream this learner sees, when the others were dropped
    /// <em>without</em> importance weights (1 = none dropped). The learner then models the odds of the
    /// down-sampled stream; its predictions, and the model it produces, are re-calibrated with
    /// <see cref="Model.Logistic.Recalibrate"/>, and progressive validation counts each negative
    /// <c>1 / rate</c> times, so the figures it reports estimate those of the full stream. When the
    /// down-sampled negatives are instead learned with importance weights (<see cref="NegativeDownsampler"/>
    /// gives them), leave this at 1.
    /// </summary>
    public double NegativeSamplingRate { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first hyper-parameter out of range.</summary>
    public void Validate()
    {
        Check(double.IsFinite(Alpha) && Alpha > 0, AlphaKey, Alpha, "must be a finite number > 0");
        Check(double.IsFinite(Beta) && Beta > 0, BetaKey, Beta, "must be a finite number > 0");
        Check(double.IsFinite(Lambda1) && Lambda1 >= 0, L1Key, Lambda1, "must be a finite number >= 0");
        Check(double.IsFinite(Lambda2) && Lambda2 >= 0, L2Key, Lambda2, "must be a finite number >= 0");
        Check(NegativeSamplingRate is > 0 and <= 1, NegativeRateKey, NegativeSamplingRate, "must be in (0, 1]");
    }

    /// <summary>The hyper-parameters as a model file records them.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [AlphaKey] = Alpha,
        [BetaKey] = Beta,
        [L1Key] = Lambda1,
        [L2Key] = Lambda2,
        [NegativeRateKey] = NegativeSamplingRate,
    };

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"alpha={Alpha} beta={Beta} lambda1={Lambda1} lambda2={Lambda2} negativeSamplingRate={NegativeSamplingRate}");

    private static void Check(bool ok, string name, double value, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"FTRL {name} {problem}, not {value}"));
        }
    }
}
