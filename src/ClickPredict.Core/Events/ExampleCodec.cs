using System.Buffers;
using ClickPredict.Core.Features;
using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>What the learner needs of a <see cref="LabeledExample"/> besides its fields.</summary>
/// <param name="Clicked">The label.</param>
/// <param name="BidTimeUnixMs">When the bid was made.</param>
/// <param name="ImpressionTimeUnixMs">When the win notice came.</param>
/// <param name="ModelVersion">The model version the bid was priced with.</param>
/// <param name="PCtr">The pCTR the bid was priced with.</param>
public readonly record struct ExampleHead(bool Clicked, long BidTimeUnixMs, long ImpressionTimeUnixMs, int ModelVersion, double PCtr);

/// <summary>
/// The trainer's two hot conversions of the event contracts, done on the MessagePack bytes without
/// building the contract objects: the joiner turns a logged <see cref="BidEvent"/> plus its win and click
/// into a <see cref="LabeledExample"/> (<see cref="WriteExample"/>), copying the bid's fields map byte for
/// byte instead of decoding it into a dictionary and encoding it again; the learner reads an example's
/// label, times and fields straight into <see cref="FieldValues"/> (<see cref="ReadExample"/>). For valid
/// input both give what <see cref="EventSerializer"/> gives (tests compare them); malformed input gets an
/// <see cref="EventFormatException"/>. They are a little stricter in one place and laxer in another: bytes
/// after the end are refused; a field named twice is not (the last value counts), where the dictionary
/// formatter refuses it.
/// </summary>
public static class ExampleCodec
{
    // Keys of the contracts (their [Key] attributes): a change there must change these too (tests check).
    private const int BidTime = 3, BidModelId = 5, BidModelVersion = 6, BidSpecFingerprint = 7, BidPCtr = 8, BidSchema = 15, BidFields = 16;
    private const int ExampleClicked = 1, ExampleBidTime = 2, ExampleImpressionTime = 3, ExampleModelVersion = 6, ExamplePCtr = 7, ExampleSchema = 8, ExampleFields = 9;
    private const int ExampleKeys = 12;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>
    /// The MessagePack <see cref="LabeledExample"/> of a won bid: <paramref name="bidEvent"/> (a
    /// <see cref="BidEvent"/> as the bidder logged it) joined with its win notice at
    /// <paramref name="impressionTimeUnixMs"/> and its first click in the window, if any.
    /// </summary>
    /// <exception cref="EventFormatException">The bid event is not a valid <see cref="BidEvent"/>.</exception>
    public static byte[] WriteExample(string bidId, ReadOnlyMemory<byte> bidEvent, long impressionTimeUnixMs, long? clickTimeUnixMs)
    {
        ArgumentNullException.ThrowIfNull(bidId);
        var bid = ReadBid(bidEvent);
        // One scratch buffer per thread: the example's only allocation is its final array.
        var output = t_scratch ??= new ArrayBufferWriter<byte>(4096);
        output.ResetWrittenCount();
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(ExampleKeys);
        writer.Write(bidId);
        writer.Write(clickTimeUnixMs is not null);
        writer.Write(bid.TimeUnixMs);
        writer.Write(impressionTimeUnixMs);
        if (clickTimeUnixMs is { } click)
        {
            writer.Write(click);
        }
        else
        {
            writer.WriteNil();
        }

        WriteStringOr(ref writer, bid.ModelId, string.Empty);
        if (bid.ModelVersion.IsEmpty)
        {
            writer.Write(0);
        }
        else
        {
            writer.WriteRaw(bid.ModelVersion);
        }

        if (bid.PCtr.IsEmpty)
        {
            writer.Write(0d);
        }
        else
        {
            writer.WriteRaw(bid.PCtr);
        }

        WriteStringOr(ref writer, bid.Schema, "openrtb");
        if (bid.Fields.IsEmpty)
        {
            writer.WriteMapHeader(0);
        }
        else
        {
            writer.WriteRaw(bid.Fields);
        }

        writer.WriteNil();
        WriteStringOr(ref writer, bid.SpecFingerprint, string.Empty);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a MessagePack <see cref="LabeledExample"/>: its label, times and pricing into the result, its
    /// fields into <paramref name="values"/> (cleared first; names the schema does not know are ignored,
    /// as <see cref="FieldValues.Load"/> ignores them).
    /// </summary>
    /// <exception cref="EventFormatException">Not a valid example, or its fields are of another schema than <paramref name="values"/>'.</exception>
    public static ExampleHead ReadExample(ReadOnlyMemory<byte> example, FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        values.Clear();
        bool clicked = false;
        long bidTime = 0, impressionTime = 0;
        int modelVersion = 0;
        double pctr = 0;
        var schemaSeen = false;
        try
        {
            var reader = new MessagePackReader(example);
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                throw new EventFormatException($"not a valid {nameof(LabeledExample)}: not an array");
            }

            var count = reader.ReadArrayHeader();
            for (var key = 0; key < count; key++)
            {
                switch (key)
                {
                    case ExampleClicked:
                        clicked = reader.ReadBoolean();
                        break;
                    case ExampleBidTime:
                        bidTime = reader.ReadInt64();
                        break;
                    case ExampleImpressionTime:
                        impressionTime = reader.ReadInt64();
                        break;
                    case ExampleModelVersion:
                        modelVersion = reader.ReadInt32();
                        break;
                    case ExamplePCtr:
                        pctr = reader.ReadDouble();
                        break;
                    case ExampleSchema:
                        CheckSchema(ref reader, values.Schema.Name);
                        schemaSeen = true;
                        break;
                    case ExampleFields:
                        ReadFields(ref reader, values);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (!reader.End)
            {
                throw new EventFormatException($"not a valid {nameof(LabeledExample)}: bytes after its end");
            }
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw new EventFormatException($"not a valid {nameof(LabeledExample)}: {e.Message}", e);
        }

        if (!schemaSeen && !string.Equals(values.Schema.Name, "openrtb", StringComparison.Ordinal))
        {
            throw new EventFormatException($"fields of schema 'openrtb', expected '{values.Schema.Name}'");
        }

        return new ExampleHead(clicked, bidTime, impressionTime, modelVersion, pctr);
    }

    /// <summary>What <see cref="MessagePackReader"/> throws on bytes that are not what they should be.</summary>
    private static bool IsReadFailure(Exception e) =>
        e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException or OverflowException or ArgumentException;

    private static void CheckSchema(ref MessagePackReader reader, string expected)
    {
        if (reader.TryReadNil())
        {
            throw new EventFormatException($"fields of schema '', expected '{expected}'");
        }

        var name = reader.ReadStringSequence() ?? default;
        Span<byte> buffer = stackalloc byte[64];
        var matches = name.Length == System.Text.Encoding.UTF8.GetByteCount(expected)
            && name.Length <= buffer.Length
            && System.Text.Encoding.UTF8.GetBytes(expected, buffer) == name.Length
            && SequenceEquals(name, buffer[..(int)name.Length]);
        if (!matches)
        {
            throw new EventFormatException($"fields of schema '{System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, name)}', expected '{expected}'");
        }
    }

    private static bool SequenceEquals(ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> bytes) =>
        sequence.IsSingleSegment ? sequence.FirstSpan.SequenceEqual(bytes) : sequence.ToArray().AsSpan().SequenceEqual(bytes);

    private static void ReadFields(ref MessagePackReader reader, FieldValues values)
    {
        if (reader.TryReadNil())
        {
            return;
        }

        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadStringSequence() ?? throw new EventFormatException($"not a valid {nameof(LabeledExample)}: a field without a name");
            if (reader.TryReadNil())
            {
                continue;
            }

            var value = reader.ReadStringSequence() ?? default;
            if (name.IsSingleSegment && value.IsSingleSegment && values.Schema.TryGetField(name.FirstSpan, out var field))
            {
                values.Set(field.Index, value.FirstSpan);
            }
            else if (!name.IsSingleSegment && values.Schema.TryGetField(name.ToArray(), out var split))
            {
                values.Set(split.Index, value.ToArray());
            }
        }
    }

    private static void WriteStringOr(ref MessagePackWriter writer, ReadOnlySequence<byte> raw, string missing)
    {
        if (raw.IsEmpty)
        {
            writer.Write(missing);
        }
        else
        {
            writer.WriteRaw(raw);
        }
    }

    /// <summary>The parts of a bid event an example copies: decoded numbers and raw tokens (empty when the array is too short to hold them).</summary>
    private static BidParts ReadBid(ReadOnlyMemory<byte> bidEvent)
    {
        var parts = default(BidParts);
        try
        {
            var reader = new MessagePackReader(bidEvent);
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                throw new EventFormatException($"not a valid {nameof(BidEvent)}: not an array");
            }

            var count = reader.ReadArrayHeader();
            for (var key = 0; key < count; key++)
            {
                switch (key)
                {
                    case BidTime:
                        parts.TimeUnixMs = reader.ReadInt64();
                        break;
                    case BidModelId:
                        parts.ModelId = RawString(ref reader);
                        break;
                    case BidModelVersion:
                        parts.ModelVersion = RawOf(ref reader, MessagePackType.Integer);
                        break;
                    case BidSpecFingerprint:
                        parts.SpecFingerprint = RawString(ref reader);
                        break;
                    case BidPCtr:
                        parts.PCtr = RawOf(ref reader, MessagePackType.Float);
                        break;
                    case BidSchema:
                        parts.Schema = RawString(ref reader);
                        break;
                    case BidFields:
                        parts.Fields = RawFields(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (!reader.End)
            {
                throw new EventFormatException($"not a valid {nameof(BidEvent)}: bytes after its end");
            }
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            throw new EventFormatException($"not a valid {nameof(BidEvent)}: {e.Message}", e);
        }

        return parts;
    }

    private static ReadOnlySequence<byte> RawString(ref MessagePackReader reader)
    {
        var type = reader.NextMessagePackType;
        if (type is not (MessagePackType.String or MessagePackType.Nil))
        {
            throw new EventFormatException($"not a valid {nameof(BidEvent)}: a {type} where a string belongs");
        }

        return reader.ReadRaw();
    }

    private static ReadOnlySequence<byte> RawOf(ref MessagePackReader reader, MessagePackType expected)
    {
        var type = reader.NextMessagePackType;
        // A double written as an integer still reads as a double, as the deserializer would read it.
        if (type != expected && !(expected == MessagePackType.Float && type == MessagePackType.Integer))
        {
            throw new EventFormatException($"not a valid {nameof(BidEvent)}: a {type} where a {expected} belongs");
        }

        var raw = reader.ReadRaw();
        if (expected == MessagePackType.Integer)
        {
            // Range check: the example's ModelVersion is an int too.
            _ = new MessagePackReader(raw).ReadInt32();
        }

        return raw;
    }

    /// <summary>The raw fields map, checked to be string to string (or nil values) as the dictionary formatter requires.</summary>
    private static ReadOnlySequence<byte> RawFields(ref MessagePackReader reader)
    {
        var type = reader.NextMessagePackType;
        if (type == MessagePackType.Nil)
        {
            return reader.ReadRaw();
        }

        if (type != MessagePackType.Map)
        {
            throw new EventFormatException($"not a valid {nameof(BidEvent)}: fields are a {type}, not a map");
        }

        var start = reader.Position;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < 2 * count; i++)
        {
            var entry = reader.NextMessagePackType;
            if (entry != MessagePackType.String && !(entry == MessagePackType.Nil && i % 2 == 1))
            {
                throw new EventFormatException($"not a valid {nameof(BidEvent)}: a field {(i % 2 == 0 ? "name" : "value")} is a {entry}, not a string");
            }

            reader.Skip();
        }

        return reader.Sequence.Slice(start, reader.Position);
    }

    private struct BidParts
    {
        public long TimeUnixMs;
        public ReadOnlySequence<byte> ModelId;
        public ReadOnlySequence<byte> ModelVersion;
        public ReadOnlySequence<byte> SpecFingerprint;
        public ReadOnlySequence<byte> PCtr;
        public ReadOnlySequence<byte> Schema;
        public ReadOnlySequence<byte> Fields;
    }
}
