namespace ClickPredict.Core.Features;

/// <summary>How a field's raw value is read.</summary>
public enum FieldKind
{
    /// <summary>A label; every distinct value is its own feature.</summary>
    Categorical,

    /// <summary>A number; a spec may bucket it (log scale, edges, ...) into categorical values.</summary>
    Numeric,
}
