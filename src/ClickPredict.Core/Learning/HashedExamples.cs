using ClickPredict.Core.Data;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Learning;

/// <summary>
/// Labelled examples already turned into feature indices by a <see cref="FeatureHasher"/>, in memory:
/// every example has the hasher's <see cref="FeatureCount"/> indices, stored back to back in one
/// array. What multi-pass and batch learners (FTRL over several passes, ML.NET) and benchmarks read,
/// so they all see exactly the indices the one feature pipeline produced.
/// </summary>
public sealed class HashedExamples
{
    private int[] _indices;
    private bool[] _labels;
    private float[] _weights;

    public HashedExamples(FeatureSpec spec, int capacity = 1024)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Spec = spec;
        FeatureCount = new FeatureHasher(spec).FeatureCount;
        capacity = Math.Max(capacity, 16);
        _indices = new int[capacity * FeatureCount];
        _labels = new bool[capacity];
        _weights = new float[capacity];
    }

    public FeatureSpec Spec { get; }

    /// <summary>Indices per example.</summary>
    public int FeatureCount { get; }

    public int Count { get; private set; }

    public long Positives { get; private set; }

    /// <summary>Earliest and latest example time seen, when the source gave times.</summary>
    public DateTimeOffset? FromUtc { get; private set; }

    public DateTimeOffset? ToUtc { get; private set; }

    /// <summary>Whether any example has a weight other than 1.</summary>
    public bool HasWeights { get; private set; }

    /// <summary>All indices, example after example.</summary>
    public ReadOnlySpan<int> AllIndices => _indices.AsSpan(0, Count * FeatureCount);

    public ReadOnlySpan<bool> Labels => _labels.AsSpan(0, Count);

    public ReadOnlySpan<float> Weights => _weights.AsSpan(0, Count);

    /// <summary>The indices of example <paramref name="i"/>.</summary>
    public ReadOnlySpan<int> Indices(int i)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)i, (uint)Count, nameof(i));
        return _indices.AsSpan(i * FeatureCount, FeatureCount);
    }

    public bool Label(int i) => Labels[i];

    public float Weight(int i) => Weights[i];

    /// <summary>Appends one example.</summary>
    public void Add(ReadOnlySpan<int> indices, bool clicked, float weight = 1f, DateTimeOffset? time = null)
    {
        if (indices.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} indices, got {indices.Length}", nameof(indices));
        }

        if (!(weight > 0 && float.IsFinite(weight)))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "an example weight must be a finite number > 0");
        }

        foreach (var index in indices)
        {
            if ((uint)index >= (uint)Spec.Size)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"index outside 0..{Spec.Size - 1}");
            }
        }

        Reserve(Count + 1);
        indices.CopyTo(_indices.AsSpan(Count * FeatureCount));
        _labels[Count] = clicked;
        _weights[Count] = weight;
        HasWeights |= weight != 1f;
        Positives += clicked ? 1 : 0;
        if (time is { } t)
        {
            FromUtc = FromUtc is null || t < FromUtc ? t : FromUtc;
            ToUtc = ToUtc is null || t > ToUtc ? t : ToUtc;
        }

        Count++;
    }

    /// <summary>
    /// Hashes up to <paramref name="maxRows"/> examples from <paramref name="reader"/> (after skipping
    /// <paramref name="skipRows"/>) with <paramref name="spec"/>.
    /// </summary>
    public static HashedExamples Read(ExampleReader reader, FeatureSpec spec, long skipRows = 0, long maxRows = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(spec);
        var hasher = new FeatureHasher(spec);
        var examples = new HashedExamples(spec);
        Span<int> indices = stackalloc int[hasher.FeatureCount];
        long row = 0;
        while (examples.Count < maxRows && reader.Read())
        {
            if (row++ < skipRows)
            {
                continue;
            }

            hasher.Indices(reader.Values, indices);
            examples.Add(indices, reader.Label, 1f, reader.Time);
        }

        return examples;
    }

    private void Reserve(int count)
    {
        if (count <= _labels.Length)
        {
            return;
        }

        var capacity = Math.Max(count, _labels.Length * 2);
        Array.Resize(ref _indices, capacity * FeatureCount);
        Array.Resize(ref _labels, capacity);
        Array.Resize(ref _weights, capacity);
    }
}
