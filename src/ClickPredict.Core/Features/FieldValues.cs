using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace ClickPredict.Core.Features;

/// <summary>
/// The raw field values of one example, as UTF-8 bytes, in the order of a <see cref="FieldSchema"/>.
/// One instance is reused row after row (or request after request): values are copied into an
/// internal arena that grows once to the largest example seen and is then reused, so filling it
/// allocates nothing in steady state. An empty value counts as missing. Not thread-safe.
/// </summary>
public sealed class FieldValues
{
    private const int Missing = -1;

    private readonly int[] _start;
    private readonly int[] _length;
    private byte[] _arena;
    private int _used;

    public FieldValues(FieldSchema schema, int initialArenaBytes = 1024)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialArenaBytes);
        Schema = schema;
        _start = new int[schema.Count];
        _length = new int[schema.Count];
        _arena = new byte[initialArenaBytes];
        Clear();
    }

    public FieldSchema Schema { get; }

    /// <summary>Marks every field missing and forgets the arena's contents (its memory is kept).</summary>
    public void Clear()
    {
        _length.AsSpan().Fill(Missing);
        _used = 0;
    }

    public bool IsMissing(int field) => _length[field] < 0;

    /// <summary>The value of <paramref name="field"/>; empty when missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Get(int field)
    {
        var length = _length[field];
        return length < 0 ? default : new ReadOnlySpan<byte>(_arena, _start[field], length);
    }

    public bool TryGet(int field, out ReadOnlySpan<byte> value)
    {
        value = Get(field);
        return _length[field] >= 0;
    }

    /// <summary>The value as a string, or null when missing (diagnostics and events; allocates).</summary>
    public string? GetString(int field) => IsMissing(field) ? null : Encoding.UTF8.GetString(Get(field));

    public void SetMissing(int field) => _length[field] = Missing;

    /// <summary>Copies <paramref name="value"/> in; an empty value marks the field missing.</summary>
    public void Set(int field, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            _length[field] = Missing;
            return;
        }

        value.CopyTo(Reserve(field, value.Length));
    }

    /// <summary>Copies <paramref name="value"/> in with ASCII letters lower-cased (other bytes as they are).</summary>
    public void SetLowerAscii(int field, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            _length[field] = Missing;
            return;
        }

        var target = Reserve(field, value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            // 'A'..'Z' -> 'a'..'z': unsigned subtraction folds the two range checks into one.
            target[i] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
        }
    }

    /// <summary>Encodes <paramref name="value"/> as UTF-8 (no allocation); null or empty marks the field missing.</summary>
    public void Set(int field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            _length[field] = Missing;
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, Reserve(field, bytes));
    }

    /// <summary>Writes an integer in invariant decimal form.</summary>
    public void Set(int field, long value)
    {
        if ((ulong)value <= 9)
        {
            // Most OpenRTB enums and flags are one digit: skip the general formatter.
            Reserve(field, 1)[0] = (byte)('0' + value);
            return;
        }

        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        Set(field, buffer[..written]);
    }

    /// <summary>Writes a number in its shortest round-trip invariant form (so logged and live values agree).</summary>
    public void Set(int field, double value)
    {
        Span<byte> buffer = stackalloc byte[32];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        Set(field, buffer[..written]);
    }

    /// <summary>Writes <c>{w}x{h}</c>, the form sizes take in every schema.</summary>
    public void SetSize(int field, int width, int height)
    {
        Span<byte> buffer = stackalloc byte[24];
        Utf8Formatter.TryFormat(width, buffer, out var w);
        buffer[w] = (byte)'x';
        Utf8Formatter.TryFormat(height, buffer[(w + 1)..], out var h);
        Set(field, buffer[..(w + 1 + h)]);
    }

    /// <summary>Copies field <paramref name="field"/> of <paramref name="other"/> (same schema) into this one.</summary>
    public void CopyFrom(FieldValues other, int field)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsMissing(field))
        {
            _length[field] = Missing;
        }
        else
        {
            Set(field, other.Get(field));
        }
    }

    /// <summary>Copies every field of <paramref name="other"/> (same schema).</summary>
    public void CopyFrom(FieldValues other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Schema, Schema))
        {
            throw new ArgumentException($"schema '{other.Schema.Name}' is not '{Schema.Name}'", nameof(other));
        }

        Clear();
        for (var i = 0; i < _length.Length; i++)
        {
            CopyFrom(other, i);
        }
    }

    /// <summary>The present values by field name: the form events carry (allocates; off the hot path).</summary>
    public Dictionary<string, string> ToDictionary()
    {
        var result = new Dictionary<string, string>(_length.Length, StringComparer.Ordinal);
        for (var i = 0; i < _length.Length; i++)
        {
            if (_length[i] >= 0)
            {
                result[Schema[i].Name] = Encoding.UTF8.GetString(Get(i));
            }
        }

        return result;
    }

    /// <summary>
    /// Replaces the contents with <paramref name="values"/> (field name to value). Fields the schema
    /// does not know are ignored, as a newer writer may log fields this reader has not heard of.
    /// </summary>
    public void Load(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Clear();
        foreach (var (name, value) in values)
        {
            if (Schema.TryGetField(name, out var field))
            {
                Set(field.Index, value);
            }
        }
    }

    private Span<byte> Reserve(int field, int length)
    {
        if (_arena.Length - _used < length)
        {
            Grow(length);
        }

        _start[field] = _used;
        _length[field] = length;
        var span = new Span<byte>(_arena, _used, length);
        _used += length;
        return span;
    }

    // Cold: the arena only grows until it fits the largest example; then it is reused.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int needed)
    {
        var size = Math.Max(_arena.Length * 2, _used + needed);
        Array.Resize(ref _arena, size);
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _length.Length; i++)
        {
            if (_length[i] >= 0)
            {
                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(Schema[i].Name).Append('=').Append(Encoding.UTF8.GetString(Get(i)));
            }
        }

        return sb.ToString();
    }
}
