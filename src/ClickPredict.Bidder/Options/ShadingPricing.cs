namespace ClickPredict.Bidder.Options;

/// <summary>How first-price bids are priced (<c>Shading:Pricing</c>).</summary>
public enum ShadingPricing
{
    /// <summary>The surplus maximum under the loaded win-rate model; the fixed factor while none is loaded (or its exchange has too few outcomes).</summary>
    Model,

    /// <summary>Always the value times <c>Bidder:FirstPriceShading</c>.</summary>
    Fixed,
}
