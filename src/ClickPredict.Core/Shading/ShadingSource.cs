namespace ClickPredict.Core.Shading;

/// <summary>What priced a first-price bid.</summary>
public enum ShadingSource
{
    /// <summary>No bid: the floor is not below the value, or above the max bid.</summary>
    None,

    /// <summary>The value times the fixed factor (no model, or the exchange has too few outcomes in it).</summary>
    Fallback,

    /// <summary>The win-rate model's surplus maximum.</summary>
    Model,
}
