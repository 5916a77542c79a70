using System.Buffers;
using System.Text.Unicode;
using MessagePack;

namespace ClickPredict.Core.OpenRtb;

/// <summary>Value-level helpers: each reads one value and checks its type against what OpenRTB says.</summary>
public static partial class BidRequestMessagePackParser
{
    /// <summary>Consumes a nil and returns true, or leaves any other value in place and returns false.</summary>
    private static bool TryNil(ref MessagePackReader r) => r.TryReadNil();

    /// <summary>Reads the header of a map that is the <paramref name="depth"/>-th container down; returns its entry count.</summary>
    private static int StartMap(ref MessagePackReader r, string path, int depth, BidRequestLimits limits)
    {
        if (r.NextMessagePackType != MessagePackType.Map)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected an object, found {Describe(ref r)}");
        }

        CheckDepth(depth, limits);
        return r.ReadMapHeader();
    }

    /// <summary>Reads the header of an array (the caller has dealt with nil); returns its item count.</summary>
    private static int StartArray(ref MessagePackReader r, string path, int depth, BidRequestLimits limits)
    {
        if (r.NextMessagePackType != MessagePackType.Array)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected an array, found {Describe(ref r)}");
        }

        CheckDepth(depth, limits);
        return r.ReadArrayHeader();
    }

    private static void CheckDepth(int depth, BidRequestLimits limits)
    {
        if (depth > limits.MaxDepth)
        {
            BidRequestException.Throw(BidRequestError.Malformed, string.Empty, $"nested deeper than {limits.MaxDepth} levels");
        }
    }

    /// <summary>
    /// Reads a map key. Keys are compared as bytes where they lie in the body; a key split across
    /// segments is copied to the request's text arena and given back at once (the caller compares
    /// it before reading anything else).
    /// </summary>
    private static ReadOnlySpan<byte> Key(ref MessagePackReader r, BidRequest req, string path)
    {
        if (r.NextMessagePackType != MessagePackType.String)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"map keys must be strings, found {Describe(ref r)}");
        }

        if (r.TryReadStringSpan(out var span))
        {
            return span;
        }

        var sequence = r.ReadStringSequence()!.Value;
        var target = req.ReserveText((int)sequence.Length, out var slice);
        sequence.CopyTo(target);
        req.TrimLastText(slice, 0);
        return target;
    }

    private static Utf8Slice String(ref MessagePackReader r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (r.TryReadNil())
        {
            return Utf8Slice.None;
        }

        if (r.NextMessagePackType != MessagePackType.String)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a string, found {Describe(ref r)}");
        }

        return StringValue(ref r, req, limits, path);
    }

    private static Utf8Slice StringValue(ref MessagePackReader r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (r.TryReadStringSpan(out var span))
        {
            return Copy(span, req, limits, path);
        }

        // Split across segments (or nil, which callers have ruled out).
        var sequence = r.ReadStringSequence()!.Value;
        if (sequence.Length > limits.MaxStringBytes)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"longer than {limits.MaxStringBytes} bytes");
        }

        var target = req.ReserveText((int)sequence.Length, out var slice);
        sequence.CopyTo(target);
        CheckUtf8(target, path);
        return slice;
    }

    private static Utf8Slice Copy(ReadOnlySpan<byte> value, BidRequest req, BidRequestLimits limits, string path)
    {
        if (value.Length > limits.MaxStringBytes)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"longer than {limits.MaxStringBytes} bytes");
        }

        // MessagePack does not check a str's bytes; the JSON parser refuses invalid UTF-8, so this does too.
        CheckUtf8(value, path);
        value.CopyTo(req.ReserveText(value.Length, out var slice));
        return slice;
    }

    private static void CheckUtf8(ReadOnlySpan<byte> value, string path)
    {
        if (!Utf8.IsValid(value))
        {
            BidRequestException.Throw(BidRequestError.Malformed, path, "the string is not valid UTF-8");
        }
    }

    private static int? Int(ref MessagePackReader r, string path)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        switch (r.NextMessagePackType)
        {
            case MessagePackType.Integer:
                if (TryReadInt32(ref r, out var value))
                {
                    return value;
                }

                break;
            case MessagePackType.Float:
                // 300.0 is a whole number written as a real; 300.5 or 1e12 is not an OpenRTB integer.
                var real = r.ReadDouble();
                if (real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue)
                {
                    return (int)real;
                }

                break;
            default:
                return BidRequestException.Throw<int?>(BidRequestError.WrongType, path, $"expected an integer, found {Describe(ref r)}");
        }

        return BidRequestException.Throw<int?>(BidRequestError.InvalidValue, path, "expected an integer in the 32-bit range");
    }

    /// <summary>Reads any MessagePack integer; false (value consumed) when it does not fit 32 bits.</summary>
    private static bool TryReadInt32(ref MessagePackReader r, out int value)
    {
        // uint64 above long.MaxValue would overflow ReadInt64: read it as what it is.
        if (r.NextCode == MessagePackCode.UInt64)
        {
            var unsigned = r.ReadUInt64();
            value = (int)Math.Min(unsigned, int.MaxValue);
            return unsigned <= int.MaxValue;
        }

        var wide = r.ReadInt64();
        value = (int)wide;
        return wide is >= int.MinValue and <= int.MaxValue;
    }

    private static double? Double(ref MessagePackReader r, string path)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        double value;
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Float:
                value = r.ReadDouble();
                break;
            case MessagePackType.Integer:
                value = r.NextCode == MessagePackCode.UInt64 ? r.ReadUInt64() : r.ReadInt64();
                break;
            default:
                return BidRequestException.Throw<double?>(BidRequestError.WrongType, path, $"expected a number, found {Describe(ref r)}");
        }

        if (!double.IsFinite(value))
        {
            BidRequestException.Throw(BidRequestError.InvalidValue, path, "expected a finite number");
        }

        return value;
    }

    private static SliceList StringList(ref MessagePackReader r, BidRequest req, BidRequestLimits limits, string path, int depth)
    {
        if (r.TryReadNil())
        {
            return default;
        }

        var count = StartArray(ref r, path, depth, limits);
        if (count > limits.MaxListItems)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"more than {limits.MaxListItems} items");
        }

        var start = req.StringCount;
        for (var i = 0; i < count; i++)
        {
            if (r.NextMessagePackType != MessagePackType.String)
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a list of strings, found {Describe(ref r)} in it");
            }

            req.AddString(StringValue(ref r, req, limits, path));
        }

        return new SliceList(start, count);
    }

    private static IntList IntList(ref MessagePackReader r, BidRequest req, BidRequestLimits limits, string path, int depth)
    {
        if (r.TryReadNil())
        {
            return default;
        }

        var count = StartArray(ref r, path, depth, limits);
        if (count > limits.MaxListItems)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"more than {limits.MaxListItems} items");
        }

        var start = req.IntCount;
        for (var i = 0; i < count; i++)
        {
            if (r.NextMessagePackType != MessagePackType.Integer)
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a list of integers, found {Describe(ref r)} in it");
            }

            if (!TryReadInt32(ref r, out var value))
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, "expected a list of integers, found a number outside the 32-bit range in it");
            }

            req.AddInt(value);
        }

        return new IntList(start, count);
    }

    /// <summary>Skips a value that is a child of the <paramref name="parentDepth"/>-th container, counting depth.</summary>
    private static void Skip(ref MessagePackReader r, int parentDepth, BidRequestLimits limits)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Map:
                CheckDepth(parentDepth + 1, limits);
                var entries = r.ReadMapHeader();
                for (var i = 0; i < entries; i++)
                {
                    Skip(ref r, parentDepth + 1, limits);
                    Skip(ref r, parentDepth + 1, limits);
                }

                break;
            case MessagePackType.Array:
                CheckDepth(parentDepth + 1, limits);
                var items = r.ReadArrayHeader();
                for (var i = 0; i < items; i++)
                {
                    Skip(ref r, parentDepth + 1, limits);
                }

                break;
            default:
                SkipScalar(ref r);
                break;
        }
    }

    /// <summary>
    /// Skips a scalar, string, binary or extension value. Not <see cref="MessagePackReader.Skip"/>:
    /// given a length past the end of the body it throws ArgumentOutOfRangeException from deep inside
    /// (found by the corruption test); these reads check the length first and throw EndOfStreamException.
    /// </summary>
    private static void SkipScalar(ref MessagePackReader r)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                break;
            case MessagePackType.Boolean:
                r.ReadBoolean();
                break;
            case MessagePackType.Integer:
                _ = r.NextCode == MessagePackCode.UInt64 ? (long)(r.ReadUInt64() >> 1) : r.ReadInt64();
                break;
            case MessagePackType.Float:
                r.ReadDouble();
                break;
            case MessagePackType.String:
                r.ReadStringSequence();
                break;
            case MessagePackType.Binary:
                r.ReadBytes();
                break;
            case MessagePackType.Extension:
                var header = r.ReadExtensionFormatHeader();
                if (header.Length > r.Sequence.Length - r.Consumed)
                {
                    throw new EndOfStreamException();
                }

                r.ReadRaw(header.Length);
                break;
            default:
                BidRequestException.Throw(BidRequestError.Malformed, string.Empty, $"invalid MessagePack code 0x{r.NextCode:x2}");
                break;
        }
    }

    /// <summary>Skips a value, saying whether it was there (not nil).</summary>
    private static bool SkipPresent(ref MessagePackReader r, int parentDepth, BidRequestLimits limits)
    {
        if (r.TryReadNil())
        {
            return false;
        }

        Skip(ref r, parentDepth, limits);
        return true;
    }

    private static string Describe(ref MessagePackReader r) => r.NextMessagePackType switch
    {
        MessagePackType.Map => "an object",
        MessagePackType.Array => "an array",
        MessagePackType.String => "a string",
        MessagePackType.Integer or MessagePackType.Float => "a number",
        MessagePackType.Boolean => "a boolean",
        MessagePackType.Nil => "nil",
        MessagePackType.Binary => "binary data",
        MessagePackType.Extension => "an extension value",
        _ => "an invalid MessagePack code",
    };
}
