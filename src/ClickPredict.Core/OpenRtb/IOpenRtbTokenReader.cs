namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// One wire format's tokens, as <see cref="BidRequestReader{TTokens}"/> reads them: the reader does
/// the key dispatch, the type checks and the object filling once, and a struct implementing this
/// (<see cref="OpenRtbJsonTokens"/>, <see cref="OpenRtbMessagePackTokens"/>) only moves through its
/// bytes. The reader is generic over the struct, so each format gets its own compiled reader with
/// these calls made directly (as Kestrel's <c>HttpParser&lt;TRequestHandler&gt;</c> does with its handler).
/// </summary>
/// <remarks>
/// Every method reads "the next value": a property's value after <see cref="NextProperty"/> has
/// read its key, or an item after <see cref="NextItem"/>. The value methods are called only once
/// <see cref="Peek"/> has said the value is of their kind.
/// </remarks>
internal interface IOpenRtbTokenReader
{
    /// <summary>The property name <see cref="NextProperty"/> last read (valid until the next read).</summary>
    ReadOnlySpan<byte> Key { get; }

    /// <summary>What the next value is, leaving it in place.</summary>
    OpenRtbToken Peek();

    /// <summary>Consumes the next value, a null (MessagePack nil).</summary>
    void ReadNull();

    /// <summary>Enters the next value, an object.</summary>
    OpenRtbContainer EnterObject(string path);

    /// <summary>Enters the next value, an array.</summary>
    OpenRtbContainer EnterArray(string path);

    /// <summary>Reads the next key of <paramref name="container"/> into <see cref="Key"/>; false at its end.</summary>
    bool NextProperty(ref OpenRtbContainer container);

    /// <summary>Moves to the next item of <paramref name="container"/>; false at its end.</summary>
    bool NextItem(ref OpenRtbContainer container);

    /// <summary>Reads the next value, a string, and returns its length in bytes (an upper bound where escapes shrink it).</summary>
    int StringLength();

    /// <summary>Copies the string <see cref="StringLength"/> read, unescaped; the bytes written, or -1 when they are not valid UTF-8.</summary>
    int CopyString(Span<byte> target);

    /// <summary>
    /// Reads the next value, a number: true with <paramref name="value"/> when it is written as an
    /// integer that fits 32 bits; otherwise false with the number in <paramref name="real"/> (NaN
    /// when it has no finite double).
    /// </summary>
    bool ReadInt32(out int value, out double real);

    /// <summary>Reads the next value, a number, as a double (NaN when it has none).</summary>
    double ReadDouble();

    /// <summary>Skips the next value, children and all, within the depth limit.</summary>
    void Skip();

    /// <summary>True when nothing follows the bid request.</summary>
    bool AtEnd();
}
