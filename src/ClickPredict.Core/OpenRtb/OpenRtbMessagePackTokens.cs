using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using MessagePack;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// MessagePack tokens for <see cref="BidRequestReader{TTokens}"/>, read with <see cref="MessagePackReader"/>:
/// maps for objects, string keys, arrays, strings, numbers and nil. A map or array gives its length
/// up front, kept in its <see cref="OpenRtbContainer"/>; the depth is counted here.
/// </summary>
/// <remarks>
/// MessagePack's own <see cref="MessagePackReader.Skip"/> recurses without a depth bound, so values
/// are skipped here with one that counts depth: a body of nested one-byte array headers must be
/// refused, not allowed to exhaust the stack.
/// </remarks>
internal ref struct OpenRtbMessagePackTokens(ReadOnlySequence<byte> body, BidRequest request, BidRequestLimits limits) : IOpenRtbTokenReader
{
    // OpenRtbToken for each first byte of a MessagePack value.
    private static readonly OpenRtbToken[] s_kinds = BuildKinds();

    private MessagePackReader _reader = new(body);
    private readonly BidRequest _request = request;
    private readonly int _maxDepth = limits.MaxDepth;
    private ReadOnlySpan<byte> _key;

    // The string StringLength read: a span of the body, or (split across segments) a sequence.
    private ReadOnlySpan<byte> _string;
    private ReadOnlySequence<byte> _splitString;
    private bool _isSplit;

    // Containers entered and not yet left: the root map is depth 1.
    private int _depth;

    public readonly ReadOnlySpan<byte> Key => _key;

    /// <summary>The next value's kind straight from its first byte (one table load, as MessagePack's own reader does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public OpenRtbToken Peek() => s_kinds[_reader.NextCode];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReadNull() => _reader.ReadNil();

    public OpenRtbContainer EnterObject(string path)
    {
        CheckDepth(++_depth);
        return new OpenRtbContainer(path, _reader.ReadMapHeader());
    }

    public OpenRtbContainer EnterArray(string path)
    {
        CheckDepth(++_depth);
        return new OpenRtbContainer(path, _reader.ReadArrayHeader());
    }

    public bool NextProperty(ref OpenRtbContainer container)
    {
        if (!NextItem(ref container))
        {
            return false;
        }

        var kind = Peek();
        if (kind != OpenRtbToken.String)
        {
            BidRequestException.Throw(BidRequestError.WrongType, container.Path, $"map keys must be strings, found {OpenRtbTokenText.Describe(kind)}");
        }

        // Keys are compared as bytes where they lie in the body; a key split across segments is
        // copied to the request's text arena and given back at once (the caller compares it before
        // reading anything else).
        _key = _reader.TryReadStringSpan(out var span) ? span : CopySplitKey();
        return true;
    }

    public bool NextItem(ref OpenRtbContainer container)
    {
        if (container.Remaining == 0)
        {
            _depth--;
            return false;
        }

        container.Remaining--;
        return true;
    }

    public int StringLength()
    {
        if (_reader.TryReadStringSpan(out _string))
        {
            _isSplit = false;
            return _string.Length;
        }

        // Split across segments (nil has been ruled out by the caller).
        _splitString = _reader.ReadStringSequence()!.Value;
        _isSplit = true;
        return (int)Math.Min(_splitString.Length, int.MaxValue);
    }

    public readonly int CopyString(Span<byte> target)
    {
        // MessagePack does not check a str's bytes; the JSON reader refuses invalid UTF-8, so this does too.
        if (!_isSplit)
        {
            _string.CopyTo(target);
            return Utf8.IsValid(_string) ? _string.Length : -1;
        }

        _splitString.CopyTo(target);
        return Utf8.IsValid(target) ? target.Length : -1;
    }

    public bool ReadInt32(out int value, out double real)
    {
        value = 0;
        var code = _reader.NextCode;
        if (code is MessagePackCode.Float32 or MessagePackCode.Float64)
        {
            real = _reader.ReadDouble();
            return false;
        }

        // uint64 above long.MaxValue would overflow ReadInt64: read it as what it is.
        if (code == MessagePackCode.UInt64)
        {
            var unsigned = _reader.ReadUInt64();
            real = unsigned;
            value = (int)Math.Min(unsigned, int.MaxValue);
            return unsigned <= int.MaxValue;
        }

        var wide = _reader.ReadInt64();
        real = wide;
        value = (int)wide;
        return wide is >= int.MinValue and <= int.MaxValue;
    }

    public double ReadDouble() => _reader.NextMessagePackType == MessagePackType.Float
        ? _reader.ReadDouble()
        : _reader.NextCode == MessagePackCode.UInt64 ? _reader.ReadUInt64() : _reader.ReadInt64();

    public void Skip() => Skip(_depth);

    public readonly bool AtEnd() => _reader.End;

    private static OpenRtbToken[] BuildKinds()
    {
        var kinds = new OpenRtbToken[256];
        for (var code = 0; code < kinds.Length; code++)
        {
            kinds[code] = MessagePackCode.ToMessagePackType((byte)code) switch
            {
                MessagePackType.Map => OpenRtbToken.Object,
                MessagePackType.Array => OpenRtbToken.Array,
                MessagePackType.String => OpenRtbToken.String,
                MessagePackType.Integer or MessagePackType.Float => OpenRtbToken.Number,
                MessagePackType.Boolean => OpenRtbToken.Boolean,
                MessagePackType.Nil => OpenRtbToken.Null,
                MessagePackType.Binary => OpenRtbToken.Binary,
                MessagePackType.Extension => OpenRtbToken.Extension,
                _ => OpenRtbToken.Invalid,
            };
        }

        return kinds;
    }

    private readonly void CheckDepth(int depth)
    {
        if (depth > _maxDepth)
        {
            BidRequestException.Throw(BidRequestError.Malformed, string.Empty, $"nested deeper than {_maxDepth} levels");
        }
    }

    /// <summary>Skips a value that is a child of the <paramref name="parentDepth"/>-th container, counting depth.</summary>
    private void Skip(int parentDepth)
    {
        switch (_reader.NextMessagePackType)
        {
            case MessagePackType.Map:
                CheckDepth(parentDepth + 1);
                var entries = _reader.ReadMapHeader();
                for (var i = 0; i < entries; i++)
                {
                    Skip(parentDepth + 1);
                    Skip(parentDepth + 1);
                }

                break;
            case MessagePackType.Array:
                CheckDepth(parentDepth + 1);
                var items = _reader.ReadArrayHeader();
                for (var i = 0; i < items; i++)
                {
                    Skip(parentDepth + 1);
                }

                break;
            default:
                SkipScalar();
                break;
        }
    }

    /// <summary>
    /// Skips a scalar, string, binary or extension value. Not <see cref="MessagePackReader.Skip"/>:
    /// given a length past the end of the body it throws ArgumentOutOfRangeException from deep inside
    /// (found by the corruption test); these reads check the length first and throw EndOfStreamException.
    /// </summary>
    private void SkipScalar()
    {
        switch (_reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                _reader.ReadNil();
                break;
            case MessagePackType.Boolean:
                _reader.ReadBoolean();
                break;
            case MessagePackType.Integer:
                _ = _reader.NextCode == MessagePackCode.UInt64 ? (long)(_reader.ReadUInt64() >> 1) : _reader.ReadInt64();
                break;
            case MessagePackType.Float:
                _reader.ReadDouble();
                break;
            case MessagePackType.String:
                _reader.ReadStringSequence();
                break;
            case MessagePackType.Binary:
                _reader.ReadBytes();
                break;
            case MessagePackType.Extension:
                var header = _reader.ReadExtensionFormatHeader();
                if (header.Length > _reader.Sequence.Length - _reader.Consumed)
                {
                    throw new EndOfStreamException();
                }

                _reader.ReadRaw(header.Length);
                break;
            default:
                BidRequestException.Throw(BidRequestError.Malformed, string.Empty, $"invalid MessagePack code 0x{_reader.NextCode:x2}");
                break;
        }
    }

    // Cold: only when a pipe hands the body over in pieces and a key straddles two.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Span<byte> CopySplitKey()
    {
        var sequence = _reader.ReadStringSequence()!.Value;
        var target = _request.ReserveText((int)sequence.Length, out var slice);
        sequence.CopyTo(target);
        _request.TrimLastText(slice, 0);
        return target;
    }
}
