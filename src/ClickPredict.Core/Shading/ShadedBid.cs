namespace ClickPredict.Core.Shading;

/// <summary>
/// A first-price bid (CPM, USD; 0 for no bid), what priced it, whether it was explored, and under the
/// model its win probability and expected surplus (NaN for a fallback bid).
/// </summary>
public readonly record struct ShadedBid(double Bid, ShadingSource Source, bool Explored, double WinProbability, double ExpectedSurplus)
{
    public bool IsBid => Bid > 0;
}
