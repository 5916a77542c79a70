namespace ClickPredict.Core.Shading;

/// <summary>
/// How the bids of one imp are priced, decided once per imp by <see cref="BidShader.Plan"/>: by the win
/// curve of its context (when the model is trusted on its exchange) or by the fixed factor, within its
/// floor. Each creative's bid is then <see cref="BidShader.Shade(in ShadingPlan, double, double, double)"/>.
/// </summary>
public readonly struct ShadingPlan
{
    internal ShadingPlan(ShadingSource source, LogLogisticCurve curve, double floorCpm)
    {
        Source = source;
        Curve = curve;
        FloorCpm = floorCpm;
        Offset = source == ShadingSource.Model ? curve.OptimumOffset() : 0;
    }

    /// <summary><see cref="ShadingSource.Model"/> or <see cref="ShadingSource.Fallback"/>.</summary>
    public ShadingSource Source { get; }

    /// <summary>The context's win curve (default under the fallback).</summary>
    public LogLogisticCurve Curve { get; }

    public double FloorCpm { get; }

    /// <summary>The curve's <see cref="LogLogisticCurve.OptimumOffset"/>, shared by the imp's creatives.</summary>
    internal double Offset { get; }
}
