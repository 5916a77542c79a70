using ClickPredict.Core.Data;
using ClickPredict.Core.Features;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// The labelled examples of a data file held in memory as their raw field values (UTF-8 bytes back to
/// back in one arena, a length per field), so a back-test reads and parses the file once and then
/// hashes the same rows with every spec it compares. Rows keep the file's order. About the file's own
/// size in memory, plus 4 bytes per field per row.
/// </summary>
internal sealed class ExampleTable
{
    private const int Missing = -1;

    private readonly int _fieldCount;
    private byte[] _arena = new byte[1 << 16];
    private long _used;
    private int[] _rowStart = new int[1024];
    private int[] _lengths;
    private bool[] _labels = new bool[1024];
    private long[] _timesMs = new long[1024];
    private int _noiseField = -1;
    private int[]? _noise;

    public ExampleTable(FieldSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _fieldCount = schema.Count;
        _lengths = new int[1024 * _fieldCount];
    }

    public FieldSchema Schema { get; }

    public int Count { get; private set; }

    public long Positives { get; private set; }

    /// <summary>The field replaced by noise (see <see cref="ReplaceWithNoise"/>), if any.</summary>
    public FieldDefinition? NoiseField => _noiseField < 0 ? null : Schema[_noiseField];

    /// <summary>
    /// Reads up to <paramref name="maxRows"/> examples; <paramref name="progress"/> hears the row count
    /// now and then. Errors in the data surface as the reader's <see cref="DataFormatException"/>.
    /// </summary>
    public static ExampleTable Load(ExampleReader reader, long maxRows = long.MaxValue, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var table = new ExampleTable(reader.Schema);
        while (table.Count < maxRows && reader.Read())
        {
            table.Add(reader.Values, reader.Label, reader.Time);
            if (progress is not null && (table.Count & 0x1FFF) == 0)
            {
                progress(table.Count);
            }
        }

        progress?.Invoke(table.Count);
        return table;
    }

    /// <summary>Appends one example (its present values are copied).</summary>
    public void Add(FieldValues values, bool clicked, DateTimeOffset? time)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!ReferenceEquals(values.Schema, Schema))
        {
            throw new ArgumentException($"values of schema '{values.Schema.Name}' added to a table of '{Schema.Name}'", nameof(values));
        }

        if (Count == _labels.Length)
        {
            var capacity = Count * 2;
            Array.Resize(ref _rowStart, capacity);
            Array.Resize(ref _labels, capacity);
            Array.Resize(ref _timesMs, capacity);
            Array.Resize(ref _lengths, capacity * _fieldCount);
        }

        _rowStart[Count] = checked((int)_used);
        var lengths = _lengths.AsSpan(Count * _fieldCount, _fieldCount);
        for (var f = 0; f < _fieldCount; f++)
        {
            if (!values.TryGet(f, out var value))
            {
                lengths[f] = Missing;
                continue;
            }

            Reserve(value.Length);
            value.CopyTo(_arena.AsSpan((int)_used));
            _used += value.Length;
            lengths[f] = value.Length;
        }

        _labels[Count] = clicked;
        _timesMs[Count] = time?.ToUnixTimeMilliseconds() ?? long.MinValue;
        Positives += clicked ? 1 : 0;
        Count++;
    }

    public bool Label(int row) => _labels[CheckRow(row)];

    public DateTimeOffset? Time(int row) =>
        _timesMs[CheckRow(row)] == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(_timesMs[row]);

    /// <summary>The labels of rows <paramref name="from"/> to <paramref name="to"/> (exclusive).</summary>
    public bool[] Labels(int from, int to) => _labels.AsSpan(from, to - from).ToArray();

    /// <summary>Loads row <paramref name="row"/> into <paramref name="values"/> (same schema), replacing what it held.</summary>
    public void Fill(int row, FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckRow(row);
        values.Clear();
        var lengths = _lengths.AsSpan(row * _fieldCount, _fieldCount);
        var at = _rowStart[row];
        for (var f = 0; f < lengths.Length; f++)
        {
            var length = lengths[f];
            if (length >= 0)
            {
                values.Set(f, _arena.AsSpan(at, length));
                at += length;
            }
        }

        if (_noise is not null)
        {
            values.Set(_noiseField, (long)_noise[row]);
        }
    }

    /// <summary>
    /// Replaces field <paramref name="field"/> of every row with pure noise: a category drawn uniformly
    /// from <paramref name="cardinality"/> values (written as the number), independently per row, from a
    /// generator seeded by <paramref name="seed"/>. It carries no information about the label, so a
    /// spec that adds it can only fit noise: what a back-test's interval must then show as no gain.
    /// </summary>
    public void ReplaceWithNoise(FieldDefinition field, int cardinality, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentOutOfRangeException.ThrowIfLessThan(cardinality, 2);
        if (!ReferenceEquals(Schema[field.Index], field))
        {
            throw new ArgumentException($"field '{field.Name}' is not of schema '{Schema.Name}'", nameof(field));
        }

        var state = seed;
        var noise = new int[Count];
        for (var i = 0; i < noise.Length; i++)
        {
            // SplitMix64, then a multiply-shift into [0, cardinality).
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            noise[i] = (int)(((z >> 32) * (ulong)cardinality) >> 32);
        }

        _noiseField = field.Index;
        _noise = noise;
    }

    private void Reserve(int bytes)
    {
        if (_used + bytes <= _arena.Length)
        {
            return;
        }

        var needed = _used + bytes;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"the data's field values exceed {Array.MaxLength:N0} bytes, more than a back-test holds in memory; use --max-rows");
        }

        Array.Resize(ref _arena, (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_arena.Length * 2)));
    }

    private int CheckRow(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Count, nameof(row));
        return row;
    }
}
