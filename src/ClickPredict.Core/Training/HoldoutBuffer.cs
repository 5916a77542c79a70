using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

/// <summary>
/// The most recent examples, hashed, that the learner has not learned yet: a first-in first-out ring of
/// <see cref="Capacity"/> examples. Each arriving example goes in; once the ring is full the oldest
/// comes out to be learned. At a retrain round the candidate (everything learned so far) and the
/// champion are scored on what the ring holds: data neither has seen, and the most recent there is.
/// Each entry also keeps where it came from (partition and offset), so a checkpoint can say exactly
/// which examples the learner's state covers, and optionally a reference prediction (the champion's,
/// when the champion hashes with another feature spec). Not thread-safe.
/// </summary>
public sealed class HoldoutBuffer
{
    private readonly int[] _indices;
    private readonly bool[] _labels;
    private readonly long[] _times;
    private readonly int[] _partitions;
    private readonly long[] _offsets;
    private readonly double[] _reference;
    private int _head;

    /// <param name="featureCount">Indices per example (the hasher's feature count).</param>
    /// <param name="capacity">Examples held before the oldest is released (0: none, every example is learned at once).</param>
    public HoldoutBuffer(int featureCount, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        FeatureCount = featureCount;
        Capacity = capacity;
        _indices = new int[capacity * featureCount];
        _labels = new bool[capacity];
        _times = new long[capacity];
        _partitions = new int[capacity];
        _offsets = new long[capacity];
        _reference = new double[capacity];
    }

    public int FeatureCount { get; }

    public int Capacity { get; }

    /// <summary>Examples held.</summary>
    public int Count { get; private set; }

    /// <summary>Clicks among them.</summary>
    public int Positives
    {
        get
        {
            var positives = 0;
            for (var i = 0; i < Count; i++)
            {
                positives += _labels[Slot(i)] ? 1 : 0;
            }

            return positives;
        }
    }

    /// <summary>
    /// Adds an example. When the ring was full, the oldest example is copied out into
    /// <paramref name="released"/> (its indices into <see cref="ReleasedEntry.Indices"/>, which must be
    /// <see cref="FeatureCount"/> long) and true is returned: the caller learns it. With capacity 0 the
    /// example itself is released at once.
    /// </summary>
    public bool Push(ReadOnlySpan<int> indices, bool clicked, long timeUnixMs, int partition, long offset, double reference, ref ReleasedEntry released)
    {
        if (indices.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} indices, got {indices.Length}", nameof(indices));
        }

        if (Capacity == 0)
        {
            indices.CopyTo(released.Indices);
            released = released with { Clicked = clicked, TimeUnixMs = timeUnixMs, Partition = partition, Offset = offset };
            return true;
        }

        var full = Count == Capacity;
        var slot = full ? _head : Slot(Count);
        if (full)
        {
            _indices.AsSpan(slot * FeatureCount, FeatureCount).CopyTo(released.Indices);
            released = released with { Clicked = _labels[slot], TimeUnixMs = _times[slot], Partition = _partitions[slot], Offset = _offsets[slot] };
            _head = _head + 1 == Capacity ? 0 : _head + 1;
        }
        else
        {
            Count++;
        }

        indices.CopyTo(_indices.AsSpan(slot * FeatureCount, FeatureCount));
        _labels[slot] = clicked;
        _times[slot] = timeUnixMs;
        _partitions[slot] = partition;
        _offsets[slot] = offset;
        _reference[slot] = reference;
        return full;
    }

    /// <summary>The smallest offset held per partition (what a checkpoint must resume from), into <paramref name="lowest"/>.</summary>
    public void LowestOffsets(IDictionary<int, long> lowest)
    {
        ArgumentNullException.ThrowIfNull(lowest);
        for (var i = 0; i < Count; i++)
        {
            var slot = Slot(i);
            if (!lowest.TryGetValue(_partitions[slot], out var known) || _offsets[slot] < known)
            {
                lowest[_partitions[slot]] = _offsets[slot];
            }
        }
    }

    /// <summary>
    /// Mean log loss of <paramref name="model"/> over the held examples (NaN when empty). The model must
    /// hash with the spec the indices were made with (the caller checks the fingerprint).
    /// </summary>
    public double LogLoss(LogisticModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Hasher.FeatureCount != FeatureCount)
        {
            throw new ArgumentException($"the model has {model.Hasher.FeatureCount} features per example, the holdout {FeatureCount}", nameof(model));
        }

        if (Count == 0)
        {
            return double.NaN;
        }

        var sum = 0.0;
        for (var i = 0; i < Count; i++)
        {
            var slot = Slot(i);
            sum += BinaryMetrics.LogLoss(model.PredictIndices(_indices.AsSpan(slot * FeatureCount, FeatureCount)), _labels[slot]);
        }

        return sum / Count;
    }

    /// <summary>
    /// Scores the held examples with <paramref name="model"/>, oldest first, handing each pCTR, label and time to
    /// <paramref name="each"/> (a new champion's calibration starts from them). The model must hash with the spec the
    /// indices were made with.
    /// </summary>
    public void Score(LogisticModel model, Action<double, bool, long> each)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(each);
        for (var i = 0; i < Count; i++)
        {
            var slot = Slot(i);
            each(model.PredictIndices(_indices.AsSpan(slot * FeatureCount, FeatureCount)), _labels[slot], _times[slot]);
        }
    }

    /// <summary>Mean log loss of the reference predictions stored with the held examples (NaN when empty).</summary>
    public double ReferenceLogLoss()
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var sum = 0.0;
        for (var i = 0; i < Count; i++)
        {
            var slot = Slot(i);
            sum += BinaryMetrics.LogLoss(_reference[slot], _labels[slot]);
        }

        return sum / Count;
    }

    /// <summary>Drops everything held (after a restore the examples come back by replay).</summary>
    public void Clear()
    {
        Count = 0;
        _head = 0;
    }

    private int Slot(int i)
    {
        var slot = _head + i;
        return slot >= Capacity ? slot - Capacity : slot;
    }

    /// <summary>An example released from the buffer, to be learned.</summary>
    public record struct ReleasedEntry(int[] Indices, bool Clicked, long TimeUnixMs, int Partition, long Offset);
}
