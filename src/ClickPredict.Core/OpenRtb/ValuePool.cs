using System.Runtime.CompilerServices;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// An append-only list that keeps its array between requests: <see cref="Reset"/> forgets the items,
/// not the memory, so a pool stops allocating once it has grown to the largest request seen.
/// </summary>
internal sealed class ValuePool<T>(int capacity)
{
    private T[] _items = new T[capacity];

    public int Count { get; private set; }

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[Count++] = item;
    }

    public ReadOnlySpan<T> Slice(int start, int count) => new(_items, start, count);

    public void Reset() => Count = 0;

    // Cold: only until the pool fits the largest request.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _items, _items.Length * 2);
}
