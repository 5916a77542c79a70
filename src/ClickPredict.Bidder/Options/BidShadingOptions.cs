namespace ClickPredict.Bidder.Options;

/// <summary>
/// First-price bid shading: config section <c>Shading</c>. Second-price bids are never shaded; the fixed
/// factor itself is <c>Bidder:FirstPriceShading</c>. Validated at start by <see cref="BidShadingOptionsValidator"/>.
/// </summary>
public sealed class BidShadingOptions
{
    public const string SectionName = "Shading";

    /// <summary><c>Shading:Pricing</c>: <c>Model</c> (default: the win-rate model once one is loaded) or <c>Fixed</c>.</summary>
    public ShadingPricing Pricing { get; set; } = ShadingPricing.Model;

    /// <summary>
    /// <c>Shading:ExplorationShare</c>: share of model-priced first-price bids moved off the optimum on
    /// purpose, so the model keeps learning around it. In [0, 0.5]. Default 0.05.
    /// </summary>
    public double ExplorationShare { get; set; } = 0.05;

    /// <summary><c>Shading:ExplorationWidth</c>: an explored bid is the optimum times <c>e^x</c>, x uniform in [-width, width]. In [0, 2]. Default 0.3.</summary>
    public double ExplorationWidth { get; set; } = 0.3;

    /// <summary><c>Shading:MinObservations</c>: outcomes an exchange needs in the model before its curve prices bids (else the fixed factor). &gt;= 0. Default 500.</summary>
    public long MinObservations { get; set; } = 500;

    /// <summary>
    /// <c>Shading:RegistryPath</c>: the win-rate model registry (its <c>index.json</c> names the champion), watched and
    /// hot-swapped like the CTR model's. Default <c>models/winrate</c>.
    /// </summary>
    public string RegistryPath { get; set; } = "models/winrate";
}
