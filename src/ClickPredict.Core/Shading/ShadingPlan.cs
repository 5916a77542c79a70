namespace ClickPredict.Core.Shading;

/// <summary>
/// How the bids of one imp are priced, decided once per imp by <see cref="BidShader.Plan"/>: by the win
/// curve of its context (when the model is trusted on its exchange) or by the fixed factor, within its
/// floor. Each creative's bid is then <see cref="BidShader.Shade(in ShadingPlan, double, double, double)"/>.
/// </summary>
public readonly record struct ShadingPlan(ShadingSource Source, LogLogisticCurve Curve, double FloorCpm);
