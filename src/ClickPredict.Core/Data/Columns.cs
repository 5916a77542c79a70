namespace ClickPredict.Core.Data;

/// <summary>Splits one delimited line into columns, reusing its arrays (no quoting: none of our formats quote).</summary>
internal sealed class Columns
{
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];

    public int Count { get; private set; }

    /// <summary>Splits <paramref name="line"/> at <paramref name="delimiter"/>; returns the number of columns.</summary>
    public int Split(ReadOnlySpan<byte> line, byte delimiter)
    {
        Count = 0;
        var start = 0;
        while (true)
        {
            var next = line[start..].IndexOf(delimiter);
            var length = next < 0 ? line.Length - start : next;
            Add(start, length);
            if (next < 0)
            {
                return Count;
            }

            start += next + 1;
        }
    }

    public ReadOnlySpan<byte> Get(ReadOnlySpan<byte> line, int column) => line.Slice(_starts[column], _lengths[column]);

    private void Add(int start, int length)
    {
        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }

        _starts[Count] = start;
        _lengths[Count] = length;
        Count++;
    }
}
