using System.Globalization;

namespace ClickPredict.Core.Shading;

/// <summary>
/// How <see cref="BidShader"/> prices first-price bids: the fixed factor it falls back to, how many outcomes
/// an exchange needs in the model before its curve is trusted, and the share of bids moved off the optimum
/// on purpose so the learner keeps seeing outcomes away from it. Immutable; <see cref="Validate"/> names the
/// first value out of range.
/// </summary>
public sealed record ShadingOptions
{
    /// <summary>The bid is the value times this while no model (or no trusted curve) is there: today's <c>Bidder:FirstPriceShading</c>. In (0, 1].</summary>
    public double FallbackFactor { get; init; } = 0.8;

    /// <summary>Outcomes an exchange needs in the model before its curve prices bids, &gt;= 0.</summary>
    public long MinObservations { get; init; } = 500;

    /// <summary>Share of bids explored, in [0, 1): moved from the chosen price by a random factor.</summary>
    public double ExplorationShare { get; init; } = 0.05;

    /// <summary>An explored bid is the chosen one times <c>e^x</c>, x uniform in [-width, width] (log units), in [0, 2].</summary>
    public double ExplorationWidth { get; init; } = 0.3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Check(FallbackFactor is > 0 and <= 1, nameof(FallbackFactor), FallbackFactor, "must be greater than 0 and at most 1");
        Check(MinObservations >= 0, nameof(MinObservations), MinObservations, "must be at least 0");
        Check(ExplorationShare is >= 0 and < 1, nameof(ExplorationShare), ExplorationShare, "must be in [0, 1)");
        Check(ExplorationWidth is >= 0 and <= 2, nameof(ExplorationWidth), ExplorationWidth, "must be in [0, 2]");
    }

    private static void Check(bool ok, string name, double value, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"shading {name} {problem}, not {value}"));
        }
    }
}
