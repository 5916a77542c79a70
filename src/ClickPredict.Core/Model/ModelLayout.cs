namespace ClickPredict.Core.Model;

/// <summary>How a model keeps its weights in memory.</summary>
public enum ModelLayout
{
    /// <summary>Sparse when at most a quarter of the slots are non-zero (where it saves memory), else dense.</summary>
    Auto,

    /// <summary>A <c>float[2^hashBits]</c>: one load per feature.</summary>
    Dense,

    /// <summary>A hash table of the non-zero weights.</summary>
    Sparse,
}
