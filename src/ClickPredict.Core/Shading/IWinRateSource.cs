namespace ClickPredict.Core.Shading;

/// <summary>Where a <see cref="BidShader"/> reads win curves: a published <see cref="WinRateModel"/>, or a <see cref="WinRateLearner"/> live.</summary>
public interface IWinRateSource
{
    /// <summary>Outcomes learned from on the exchange whose key is <paramref name="exchangeKey"/> (0 when it is unknown).</summary>
    long ObservationsOf(uint exchangeKey);

    /// <summary>The win curve of <paramref name="context"/>.</summary>
    LogLogisticCurve Curve(in ShadingContext context);
}
