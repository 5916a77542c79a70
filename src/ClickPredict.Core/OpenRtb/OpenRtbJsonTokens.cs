using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// JSON tokens for <see cref="BidRequestReader{TTokens}"/>, read with <see cref="Utf8JsonReader"/>
/// (which checks the syntax and the depth). JSON says what a value is only once its token is read,
/// so <see cref="Peek"/> reads it and marks it pending, and the call that consumes the value takes
/// the pending token instead of reading another.
/// </summary>
internal ref struct OpenRtbJsonTokens(Utf8JsonReader reader, BidRequest request) : IOpenRtbTokenReader
{
    private Utf8JsonReader _reader = reader;
    private readonly BidRequest _request = request;
    private ReadOnlySpan<byte> _key;

    // Peek's answer for each JsonTokenType: None, StartObject, EndObject, StartArray, EndArray,
    // PropertyName, Comment, String, Number, True, False, Null (a constant: no allocation).
    private static ReadOnlySpan<byte> Kinds =>
    [
        (byte)OpenRtbToken.Invalid, (byte)OpenRtbToken.Object, (byte)OpenRtbToken.Invalid, (byte)OpenRtbToken.Array,
        (byte)OpenRtbToken.Invalid, (byte)OpenRtbToken.Invalid, (byte)OpenRtbToken.Invalid, (byte)OpenRtbToken.String,
        (byte)OpenRtbToken.Number, (byte)OpenRtbToken.Boolean, (byte)OpenRtbToken.Boolean, (byte)OpenRtbToken.Null,
    ];

    // True when the reader stands on the next value's first token, already read.
    private bool _pending;

    public readonly ReadOnlySpan<byte> Key => _key;

    public OpenRtbToken Peek()
    {
        if (!_pending)
        {
            Read();
            _pending = true;
        }

        // One load instead of a switch; a token type past the table (none today) reads as invalid.
        var type = (uint)_reader.TokenType;
        return type < (uint)Kinds.Length ? (OpenRtbToken)Kinds[(int)type] : OpenRtbToken.Invalid;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadNull() => _pending = false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OpenRtbContainer EnterObject(string path)
    {
        _pending = false;
        return new OpenRtbContainer(path, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OpenRtbContainer EnterArray(string path)
    {
        _pending = false;
        return new OpenRtbContainer(path, 0);
    }

    public bool NextProperty(ref OpenRtbContainer container)
    {
        Read();

        // Inside an object the reader only yields property names or the object's end.
        if (_reader.TokenType == JsonTokenType.EndObject)
        {
            return false;
        }

        // A key is compared where it lies in the body; one written with escapes (or split across
        // segments) is unescaped into the request's text arena and given back at once: the caller
        // compares it before reading anything else.
        _key = _reader.ValueIsEscaped || _reader.HasValueSequence ? CopyKey(container.Path) : _reader.ValueSpan;
        return true;
    }

    public bool NextItem(ref OpenRtbContainer container)
    {
        Read();
        _pending = _reader.TokenType != JsonTokenType.EndArray;
        return _pending;
    }

    public int StringLength()
    {
        _pending = false;
        var length = _reader.HasValueSequence ? _reader.ValueSequence.Length : _reader.ValueSpan.Length;
        return (int)Math.Min(length, int.MaxValue);
    }

    public readonly int CopyString(Span<byte> target)
    {
        try
        {
            // CopyString unescapes; the unescaped form is never longer than the raw one.
            return _reader.CopyString(target);
        }
        catch (InvalidOperationException)
        {
            // The reader checks a string's UTF-8 only when it is decoded, here.
            return -1;
        }
    }

    public bool ReadInt32(out int value, out double real)
    {
        _pending = false;
        if (_reader.TryGetInt32(out value))
        {
            real = value;
            return true;
        }

        real = _reader.TryGetDouble(out var number) ? number : double.NaN;
        return false;
    }

    public double ReadDouble()
    {
        _pending = false;
        return _reader.TryGetDouble(out var value) ? value : double.NaN;
    }

    public void Skip()
    {
        Peek();
        _pending = false;
        _reader.Skip();
    }

    public bool AtEnd() => !_reader.Read();

    private void Read()
    {
        if (!_reader.Read())
        {
            BidRequestException.Throw(BidRequestError.Malformed, string.Empty, "the JSON ends early");
        }
    }

    // Cold: keys are seldom escaped, and split only when a pipe hands the body over in pieces.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly Span<byte> CopyKey(string path)
    {
        var raw = _reader.HasValueSequence ? _reader.ValueSequence.Length : _reader.ValueSpan.Length;
        var target = _request.ReserveText((int)Math.Min(raw, int.MaxValue), out var slice);
        int written;
        try
        {
            written = _reader.CopyString(target);
        }
        catch (InvalidOperationException)
        {
            written = -1;
        }

        _request.TrimLastText(slice, 0);
        if (written < 0)
        {
            BidRequestException.Throw(BidRequestError.Malformed, path, "a key is not valid UTF-8");
        }

        return target[..written];
    }
}
