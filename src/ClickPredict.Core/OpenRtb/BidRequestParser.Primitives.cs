using System.Text.Json;

namespace ClickPredict.Core.OpenRtb;

/// <summary>Token-level helpers: each reads one value and checks its type against what OpenRTB says.</summary>
public static partial class BidRequestParser
{
    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader r)
    {
        Read(ref r);
        // Inside an object the reader only yields property names or the object's end.
        return r.TokenType != JsonTokenType.EndObject;
    }

    /// <summary>Moves to the next item of the current array; false at its end.</summary>
    private static bool NextItem(ref Utf8JsonReader r)
    {
        Read(ref r);
        return r.TokenType != JsonTokenType.EndArray;
    }

    private static void Read(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            BidRequestException.Throw(BidRequestError.Malformed, string.Empty, "the JSON ends early");
        }
    }

    /// <summary>Skips a property's value (and its children).</summary>
    private static void SkipValue(ref Utf8JsonReader r)
    {
        Read(ref r);
        r.Skip();
    }

    /// <summary>Skips a property's value, saying whether it was there (not null).</summary>
    private static bool SkipPresent(ref Utf8JsonReader r)
    {
        Read(ref r);
        var present = r.TokenType != JsonTokenType.Null;
        r.Skip();
        return present;
    }

    /// <summary>Reads a property value that must be an object (or null, which returns false).</summary>
    private static bool StartObject(ref Utf8JsonReader r, string path)
    {
        Read(ref r);
        if (r.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        ExpectObject(ref r, path);
        return true;
    }

    private static void ExpectObject(ref Utf8JsonReader r, string path)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected an object, found {Describe(r.TokenType)}");
        }
    }

    /// <summary>Reads a property value that must be an array (or null, which returns false).</summary>
    private static bool StartArray(ref Utf8JsonReader r, string path)
    {
        Read(ref r);
        if (r.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected an array, found {Describe(r.TokenType)}");
        }

        return true;
    }

    private static Utf8Slice String(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits, string path)
    {
        Read(ref r);
        return StringValue(ref r, req, limits, path);
    }

    private static Utf8Slice StringValue(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return Utf8Slice.None;
        }

        if (r.TokenType != JsonTokenType.String)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a string, found {Describe(r.TokenType)}");
        }

        var length = r.HasValueSequence ? r.ValueSequence.Length : r.ValueSpan.Length;
        if (length > limits.MaxStringBytes)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"longer than {limits.MaxStringBytes} bytes");
        }

        // CopyString unescapes; the unescaped form is never longer than the raw one.
        var target = req.ReserveText((int)length, out var slice);
        int written;
        try
        {
            written = r.CopyString(target);
        }
        catch (InvalidOperationException)
        {
            // The reader checks a string's UTF-8 only when it is decoded, here.
            return BidRequestException.Throw<Utf8Slice>(BidRequestError.Malformed, path, "the string is not valid UTF-8");
        }

        return req.TrimLastText(slice, written);
    }

    /// <summary>Reads an object of which one string property matters (<c>publisher.id</c>, <c>user.ext.consent</c>).</summary>
    private static Utf8Slice StringIn(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits, string objectPath, ReadOnlySpan<byte> key, string path)
    {
        var value = Utf8Slice.None;
        if (StartObject(ref r, objectPath))
        {
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals(key))
                {
                    value = String(ref r, req, limits, path);
                }
                else
                {
                    SkipValue(ref r);
                }
            }
        }

        return value;
    }

    private static int? Int(ref Utf8JsonReader r, string path)
    {
        Read(ref r);
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.Number)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected an integer, found {Describe(r.TokenType)}");
        }

        if (r.TryGetInt32(out var value))
        {
            return value;
        }

        // 300.0 is a whole number written as a real; 300.5 or 1e12 is not an OpenRTB integer.
        if (r.TryGetDouble(out var real) && real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue)
        {
            return (int)real;
        }

        return BidRequestException.Throw<int?>(BidRequestError.InvalidValue, path, "expected an integer in the 32-bit range");
    }

    private static double? Double(ref Utf8JsonReader r, string path)
    {
        Read(ref r);
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.Number)
        {
            BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a number, found {Describe(r.TokenType)}");
        }

        if (!r.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            BidRequestException.Throw(BidRequestError.InvalidValue, path, "expected a finite number");
        }

        return value;
    }

    private static SliceList StringList(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (!StartArray(ref r, path))
        {
            return default;
        }

        var start = req.StringCount;
        var count = 0;
        while (NextItem(ref r))
        {
            if (++count > limits.MaxListItems)
            {
                BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"more than {limits.MaxListItems} items");
            }

            if (r.TokenType != JsonTokenType.String)
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a list of strings, found {Describe(r.TokenType)} in it");
            }

            req.AddString(StringValue(ref r, req, limits, path));
        }

        return new SliceList(start, count);
    }

    private static IntList IntList(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits, string path)
    {
        if (!StartArray(ref r, path))
        {
            return default;
        }

        var start = req.IntCount;
        var count = 0;
        while (NextItem(ref r))
        {
            if (++count > limits.MaxListItems)
            {
                BidRequestException.Throw(BidRequestError.LimitExceeded, path, $"more than {limits.MaxListItems} items");
            }

            if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out var value))
            {
                BidRequestException.Throw(BidRequestError.WrongType, path, $"expected a list of integers, found {Describe(r.TokenType)} in it");
                return default;
            }

            req.AddInt(value);
        }

        return new IntList(start, count);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
