using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ClickPredict.Core.OpenRtb;

/// <summary>Value-level helpers: each reads one value and checks its type against what OpenRTB says.</summary>
internal static partial class BidRequestReader<TTokens>
{
    /// <summary>Enters the next value, which must be an object (or null, which is consumed and gives false).</summary>
    private static bool TryEnterObject(ref TTokens r, string path, out OpenRtbContainer obj)
    {
        obj = default;
        var kind = r.Peek();
        if (kind == OpenRtbToken.Object)
        {
            obj = r.EnterObject(path);
            return true;
        }

        return IsNull(ref r, kind) ? false : ThrowWrongType<bool>(path, "an object", kind);
    }

    /// <summary>Enters the next value, which must be an object (an item of a list: null is refused too).</summary>
    private static OpenRtbContainer EnterObject(ref TTokens r, string path)
    {
        var kind = r.Peek();
        return kind == OpenRtbToken.Object ? r.EnterObject(path) : ThrowWrongType<OpenRtbContainer>(path, "an object", kind);
    }

    /// <summary>True, with the null consumed, when <paramref name="kind"/> (the next value's) is null: null counts as absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNull(ref TTokens r, OpenRtbToken kind)
    {
        if (kind != OpenRtbToken.Null)
        {
            return false;
        }

        r.ReadNull();
        return true;
    }

    // Cold: a known field with a value of another type.
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T ThrowWrongType<T>(string path, string expected, OpenRtbToken found) =>
        throw new BidRequestException(BidRequestError.WrongType, path, $"expected {expected}, found {OpenRtbTokenText.Describe(found)}");

    /// <summary>Enters the next value, which must be an array (or null, which is consumed and gives false).</summary>
    private static bool TryEnterArray(ref TTokens r, string path, out OpenRtbContainer list)
    {
        list = default;
        var kind = r.Peek();
        if (kind == OpenRtbToken.Array)
        {
            list = r.EnterArray(path);
            return true;
        }

        return IsNull(ref r, kind) ? false : ThrowWrongType<bool>(path, "an array", kind);
    }

    /// <summary>
    /// Moves to the next item of <paramref name="list"/>, a list of objects, and enters it, refusing
    /// the list past <see cref="BidRequestLimits.MaxListItems"/>; false at the list's end.
    /// </summary>
    private static bool NextObject(ref TTokens r, ref OpenRtbContainer list, ref int items, BidRequestLimits limits, string itemPath, string what, out OpenRtbContainer obj)
    {
        obj = default;
        if (!r.NextItem(ref list))
        {
            return false;
        }

        CountItem(ref items, limits, list.Path, what);
        obj = EnterObject(ref r, itemPath);
        return true;
    }

    /// <summary>Counts one more item of a list, refusing the list past <see cref="BidRequestLimits.MaxListItems"/>.</summary>
    private static void CountItem(ref int items, BidRequestLimits limits, string path, string what)
    {
        if (++items > limits.MaxListItems)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"more than {limits.MaxListItems} {what}");
        }
    }

    /// <summary>Skips the next value, saying whether it was there (not null).</summary>
    private static bool SkipPresent(ref TTokens r)
    {
        if (IsNull(ref r, r.Peek()))
        {
            return false;
        }

        r.Skip();
        return true;
    }

    private static Utf8Slice String(ref TTokens r, BidRequest req, BidRequestLimits limits, string path)
    {
        var kind = r.Peek();
        if (kind == OpenRtbToken.String)
        {
            return StringValue(ref r, req, limits, path);
        }

        return IsNull(ref r, kind) ? Utf8Slice.None : ThrowWrongType<Utf8Slice>(path, "a string", kind);
    }

    /// <summary>Copies the next value, a string, into the request's text arena.</summary>
    private static Utf8Slice StringValue(ref TTokens r, BidRequest req, BidRequestLimits limits, string path)
    {
        var length = r.StringLength();
        if (length > limits.MaxStringBytes)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"longer than {limits.MaxStringBytes} bytes");
        }

        var target = req.ReserveText(length, out var slice);
        var written = r.CopyString(target);
        if (written < 0)
        {
            // Neither format's reader checks a string's UTF-8 on its own; the JSON one does when unescaping.
            BidRequestException.Throw(BidRequestError.Malformed, path, "the string is not valid UTF-8");
        }

        // Unescaping can shrink a JSON string: give back what it did not use.
        return req.TrimLastText(slice, written);
    }

    /// <summary>Reads an object of which one string property matters (<c>publisher.id</c>, <c>user.ext.consent</c>).</summary>
    private static Utf8Slice StringIn(ref TTokens r, BidRequest req, BidRequestLimits limits, string objectPath, ReadOnlySpan<byte> key, string path)
    {
        var value = Utf8Slice.None;
        if (TryEnterObject(ref r, objectPath, out var obj))
        {
            while (r.NextProperty(ref obj))
            {
                if (r.Key.SequenceEqual(key))
                {
                    value = String(ref r, req, limits, path);
                }
                else
                {
                    r.Skip();
                }
            }
        }

        return value;
    }

    private static int? Int(ref TTokens r, string path)
    {
        var kind = r.Peek();
        if (kind != OpenRtbToken.Number)
        {
            return IsNull(ref r, kind) ? null : ThrowWrongType<int?>(path, "an integer", kind);
        }

        if (r.ReadInt32(out var value, out var real))
        {
            return value;
        }

        // 300.0 is a whole number written as a real; 300.5 or 1e12 is not an OpenRTB integer.
        if (real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue)
        {
            return (int)real;
        }

        return BidRequestException.Throw<int?>(BidRequestError.InvalidValue, path, "expected an integer in the 32-bit range");
    }

    private static double? Double(ref TTokens r, string path)
    {
        var kind = r.Peek();
        if (kind != OpenRtbToken.Number)
        {
            return IsNull(ref r, kind) ? null : ThrowWrongType<double?>(path, "a number", kind);
        }

        var value = r.ReadDouble();
        if (!double.IsFinite(value))
        {
            BidRequestException.Throw(BidRequestError.InvalidValue, path, "expected a finite number");
        }

        return value;
    }

    /// <summary>A bid floor (of an imp or a deal): a number, not negative.</summary>
    private static double? Floor(ref TTokens r, string path)
    {
        var floor = Double(ref r, path);
        if (floor < 0)
        {
            BidRequestException.Throw(BidRequestError.InvalidValue, path, "must not be negative");
        }

        return floor;
    }

    private static SliceList StringList(ref TTokens r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (!TryEnterArray(ref r, path, out var list))
        {
            return default;
        }

        var start = req.StringCount;
        var count = 0;
        while (r.NextItem(ref list))
        {
            CountItem(ref count, limits, path, "items");
            var kind = r.Peek();
            if (kind != OpenRtbToken.String)
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a list of strings, found {OpenRtbTokenText.Describe(kind)} in it");
            }

            req.AddString(StringValue(ref r, req, limits, path));
        }

        return new SliceList(start, count);
    }

    private static IntList IntList(ref TTokens r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (!TryEnterArray(ref r, path, out var list))
        {
            return default;
        }

        var start = req.IntCount;
        var count = 0;
        while (r.NextItem(ref list))
        {
            CountItem(ref count, limits, path, "items");
            var kind = r.Peek();

            // In a list only integers that fit are taken: a real (1.5, or even 3.0) is refused.
            if (kind != OpenRtbToken.Number || !r.ReadInt32(out var value, out _))
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a list of 32-bit integers, found {OpenRtbTokenText.Describe(kind)} in it");
                return default;
            }

            req.AddInt(value);
        }

        return new IntList(start, count);
    }
}
