namespace ClickPredict.Core.Features;

/// <summary>How a numeric field's value is turned into a categorical bucket.</summary>
public enum BucketKind
{
    /// <summary><c>floor(log_base(v))</c> for v &gt; 0; zero and negatives get buckets of their own.</summary>
    Log,

    /// <summary>The usual treatment of Criteo's integer columns: <c>floor(ln(v)^2)</c> above 2, the integer itself otherwise.</summary>
    Criteo,

    /// <summary>Bucket <c>i</c> holds values in <c>[edges[i-1], edges[i])</c>; below the first edge is bucket 0.</summary>
    Edges,

    /// <summary><c>floor(v / width)</c>.</summary>
    Linear,
}
