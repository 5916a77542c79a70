using ClickPredict.Core.Features;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Training;

/// <summary>
/// Watches the distribution of a few key fields for drift with the population stability index,
/// <c>PSI = sum over buckets of (a - e) ln(a / e)</c>, between a reference (the window frozen at the last
/// publish) and a sliding window of the most recent examples. Values are hashed into
/// <see cref="Buckets"/> buckets per field (plus one for "missing"), so fields of any cardinality
/// cost the same; proportions are smoothed by half a count per bucket so an empty bucket does not make
/// the index infinite. Not thread-safe.
/// </summary>
public sealed class DriftMonitor
{
    /// <summary>Hash buckets per field (a value's bucket is its MurmurHash3 modulo this).</summary>
    public const int Buckets = 32;

    private const int Slots = Buckets + 1;
    private const uint Seed = 0x5eed_d41f;

    private readonly int[] _fields;
    private readonly string[] _names;
    private readonly byte[] _window;
    private readonly int[] _counts;
    private double[]? _reference;
    private int _next;

    /// <summary>A monitor of <paramref name="fields"/> (names in <paramref name="schema"/>; unknown names are ignored) over the last <paramref name="window"/> examples.</summary>
    public DriftMonitor(FieldSchema schema, IReadOnlyList<string> fields, int window)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var indices = new List<int>();
        var names = new List<string>();
        foreach (var name in fields)
        {
            if (schema.TryGetField(name, out var field) && !indices.Contains(field.Index))
            {
                indices.Add(field.Index);
                names.Add(name);
            }
        }

        _fields = [.. indices];
        _names = [.. names];
        Window = window;
        _window = new byte[window * _fields.Length];
        _counts = new int[_fields.Length * Slots];
    }

    /// <summary>The fields watched (those of the list the schema has).</summary>
    public IReadOnlyList<string> Fields => _names;

    /// <summary>Size of the sliding window.</summary>
    public int Window { get; }

    /// <summary>Examples in the window now.</summary>
    public int Count { get; private set; }

    /// <summary>Whether a reference distribution has been frozen.</summary>
    public bool HasReference => _reference is not null;

    /// <summary>Adds one example's field values to the window (dropping the oldest when full).</summary>
    public void Observe(FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (_fields.Length == 0)
        {
            return;
        }

        var at = _next * _fields.Length;
        var full = Count == Window;
        for (var f = 0; f < _fields.Length; f++)
        {
            if (full)
            {
                _counts[(f * Slots) + _window[at + f]]--;
            }

            var bucket = values.TryGet(_fields[f], out var value) ? (byte)(MurmurHash3.Hash32(value, Seed) % Buckets) : (byte)Buckets;
            _window[at + f] = bucket;
            _counts[(f * Slots) + bucket]++;
        }

        _next = _next + 1 == Window ? 0 : _next + 1;
        Count = full ? Count : Count + 1;
    }

    /// <summary>Makes the current window the reference (at a publish: the data the new champion was trained on most recently).</summary>
    public void Freeze()
    {
        if (Count == 0 || _fields.Length == 0)
        {
            return;
        }

        _reference = Proportions();
    }

    /// <summary>The largest PSI over the fields and the field it belongs to; NaN (and null) without a reference or an empty window.</summary>
    public (double Psi, string? Field) MaxPsi()
    {
        if (_reference is null || Count == 0)
        {
            return (double.NaN, null);
        }

        var current = Proportions();
        var best = double.NaN;
        string? field = null;
        for (var f = 0; f < _fields.Length; f++)
        {
            var psi = 0.0;
            for (var b = 0; b < Slots; b++)
            {
                var actual = current[(f * Slots) + b];
                var expected = _reference[(f * Slots) + b];
                psi += (actual - expected) * Math.Log(actual / expected);
            }

            if (double.IsNaN(best) || psi > best)
            {
                best = psi;
                field = _names[f];
            }
        }

        return (best, field);
    }

    /// <summary>The reference proportions (for a checkpoint), or null.</summary>
    public double[]? ExportReference() => _reference is null ? null : [.. _reference];

    /// <summary>Restores reference proportions exported by a monitor of the same fields.</summary>
    public void RestoreReference(double[]? reference)
    {
        _reference = reference is not null && reference.Length == _counts.Length ? [.. reference] : null;
    }

    private double[] Proportions()
    {
        var result = new double[_counts.Length];
        var total = Count + (0.5 * Slots);
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (_counts[i] + 0.5) / total;
        }

        return result;
    }
}
