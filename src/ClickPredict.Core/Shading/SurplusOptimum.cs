namespace ClickPredict.Core.Shading;

/// <summary>The bid that maximises expected surplus, with its win probability and the surplus expected; <see cref="Bid"/> 0 when no bid pays.</summary>
public readonly record struct SurplusOptimum(double Bid, double WinProbability, double ExpectedSurplus)
{
    public static SurplusOptimum None => default;

    public bool IsBid => Bid > 0;
}
