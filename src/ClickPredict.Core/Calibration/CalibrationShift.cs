using System.Text;
using ClickPredict.Core.Features;
using ClickPredict.Core.Hashing;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Calibration;

/// <summary>
/// A published calibration: logit shifts added to a model's score, <c>q = sigmoid(logit(p) + global +
/// segment shifts)</c>. Immutable; the bidder holds one next to the model it calibrates and swaps it by
/// reference, the trainer learns the next one with <see cref="LiveCalibration"/>. Applying it allocates nothing.
/// </summary>
public sealed class CalibrationShift
{
    private const uint KeySeed = 0x5ca1ab1e;

    private readonly Dictionary<ulong, double> _segments;
    private readonly int[] _fields;

    /// <param name="schema">The schema of the model it calibrates (segment fields are looked up in it).</param>
    /// <param name="global">The shift every example gets.</param>
    /// <param name="segments">Shifts of segments, on top of the global one.</param>
    /// <param name="maxShift">The total shift is clamped to +-this.</param>
    /// <param name="info">Where it comes from and what it measured.</param>
    public CalibrationShift(FieldSchema schema, double global, IReadOnlyList<CalibrationSegment> segments, double maxShift, CalibrationInfo info)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(info);
        if (!double.IsFinite(global) || !(double.IsFinite(maxShift) && maxShift > 0))
        {
            throw new ArgumentException($"the global shift ({global}) and the largest shift ({maxShift}) must be finite, the latter > 0");
        }

        Schema = schema;
        Global = global;
        MaxShift = maxShift;
        Segments = segments;
        Info = info;
        _segments = new Dictionary<ulong, double>(segments.Count);
        var fields = new List<int>();
        foreach (var segment in segments)
        {
            if (!schema.TryGetField(segment.Field, out var field))
            {
                throw new ArgumentException($"segment field '{segment.Field}' is not a field of schema {schema.Name}");
            }

            if (!double.IsFinite(segment.Shift))
            {
                throw new ArgumentException($"segment {segment.Field}={segment.Value} has a non-finite shift");
            }

            _segments[Key(field.Index, Encoding.UTF8.GetBytes(segment.Value))] = segment.Shift;
            if (!fields.Contains(field.Index))
            {
                fields.Add(field.Index);
            }
        }

        _fields = [.. fields];
    }

    /// <summary>No shift at all: the model as it is.</summary>
    public static CalibrationShift Identity(FieldSchema schema) => new(schema, 0, [], 3, new CalibrationInfo());

    public FieldSchema Schema { get; }

    /// <summary>The shift every example gets (logit units).</summary>
    public double Global { get; }

    /// <summary>The total shift is clamped to +-this.</summary>
    public double MaxShift { get; }

    public IReadOnlyList<CalibrationSegment> Segments { get; }

    public CalibrationInfo Info { get; }

    /// <summary>The logit shift of an example with these field values.</summary>
    public double Shift(FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var shift = Global;
        foreach (var field in _fields)
        {
            if (values.TryGet(field, out var value) && _segments.TryGetValue(Key(field, value), out var segment))
            {
                shift += segment;
            }
        }

        return Math.Clamp(shift, -MaxShift, MaxShift);
    }

    /// <summary>The calibrated pCTR of a model's <paramref name="p"/> for an example with these values.</summary>
    public double Apply(double p, FieldValues values) => Apply(p, Shift(values));

    /// <summary>The calibrated pCTR of <paramref name="p"/> under a logit <paramref name="shift"/>.</summary>
    public static double Apply(double p, double shift) => shift == 0 ? p : Logistic.Sigmoid(Logistic.Logit(p) + shift);

    /// <summary>The lookup key of a segment: the field's index and a hash of its value.</summary>
    internal static ulong Key(int field, ReadOnlySpan<byte> value) => ((ulong)(uint)field << 32) | MurmurHash3.Hash32(value, KeySeed);
}
