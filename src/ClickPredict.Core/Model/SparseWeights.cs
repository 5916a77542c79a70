using System.Runtime.CompilerServices;

namespace ClickPredict.Core.Model;

/// <summary>
/// Non-zero weights in an open-addressing table (linear probing, load at most one half): the
/// layout for models whose L1 penalty zeroed most of the <c>2^hashBits</c> slots.
/// </summary>
internal sealed class SparseWeights
{
    private const int Empty = -1;

    private readonly int[] _keys;
    private readonly float[] _values;
    private readonly int _shift;
    private readonly int _mask;

    public SparseWeights(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        var capacity = 16;
        while (capacity < indices.Length * 2)
        {
            capacity <<= 1;
        }

        _keys = new int[capacity];
        _values = new float[capacity];
        _keys.AsSpan().Fill(Empty);
        _mask = capacity - 1;
        _shift = 32 - System.Numerics.BitOperations.Log2((uint)capacity);
        for (var i = 0; i < indices.Length; i++)
        {
            var slot = Slot(indices[i]);
            while (_keys[slot] != Empty && _keys[slot] != indices[i])
            {
                slot = (slot + 1) & _mask;
            }

            _keys[slot] = indices[i];
            _values[slot] = values[i];
        }

        Count = indices.Length;
    }

    public int Count { get; }

    public long Bytes => (_keys.Length * sizeof(int)) + (_values.Length * sizeof(float));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Get(int index)
    {
        var slot = Slot(index);
        while (true)
        {
            var key = _keys[slot];
            if (key == index)
            {
                return _values[slot];
            }

            if (key == Empty)
            {
                return 0f;
            }

            slot = (slot + 1) & _mask;
        }
    }

    // Fibonacci hashing: hash indices are already well mixed, but this also spreads sequential ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(int index) => (int)(((uint)index * 2654435769u) >> _shift) & _mask;
}
