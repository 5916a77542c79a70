using System.Buffers.Binary;
using System.Numerics;
using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>One event of a <see cref="BidEventBatch"/>: its bid id (the auction's key) and its <see cref="BidEvent"/> bytes.</summary>
/// <param name="BidId">The event's <see cref="BidEvent.BidId"/>.</param>
/// <param name="Event">The event's MessagePack bytes, a slice of the batch (read them before the batch's buffer is reused).</param>
public readonly record struct BatchedBidEvent(string BidId, ReadOnlyMemory<byte> Event);

/// <summary>
/// Several <see cref="BidEvent"/>s of one partition in one Kafka message on the bids topic, so a bidder
/// can log bids without a message (and Confluent.Kafka's <c>byte[]</c> per message) per bid. The bytes
/// are one MessagePack array of three: the format version <see cref="Version"/>, the array of events
/// (each exactly as it would be logged alone), and padding (a <c>bin</c> the reader skips) that brings
/// the message to one of a few lengths (<see cref="PaddedLength"/>: at most an eighth more, at least a
/// multiple of 64 bytes), so the writer can hand Kafka one of a few reused arrays (Kafka takes a whole
/// <c>byte[]</c>; librdkafka copies it during the call). Every event
/// of a batch hashes to the partition the batch is written to, and the batch's key is its first event's
/// bid id, so a consumer of partition <i>p</i> still finds every bid of partition <i>p</i> there.
/// </summary>
/// <remarks>A lone <see cref="BidEvent"/> (an array of 17 whose first element is a string) starts with
/// other bytes than a batch (<c>0x93 0x01</c>), so a reader tells them apart by <see cref="IsBatch"/> and
/// can read topics holding both.</remarks>
public static class BidEventBatch
{
    /// <summary>The format version, the batch's first element.</summary>
    public const int Version = 1;

    /// <summary>Bytes before the first event: the outer array's header, the version, the events array's header (array 32).</summary>
    public const int HeaderLength = 7;

    // The largest bin header a batch's padding can need (bin 32): room for it is kept past the events.
    private const int MaxPadHeader = 5;

    // Padded lengths step by a sixteenth of the power of two at or above them, and by at least this.
    private const int MinPadStep = 64;

    /// <summary>Whether <paramref name="value"/> is a batch (else, on the bids topic, a lone <see cref="BidEvent"/>).</summary>
    public static bool IsBatch(ReadOnlySpan<byte> value) => value.Length > 1 && value[0] == 0x93 && value[1] == Version;

    /// <summary>Writes the header of a batch into the first <see cref="HeaderLength"/> bytes of <paramref name="message"/> (the count is set by <see cref="Finish"/>).</summary>
    public static void WriteHeader(Span<byte> message)
    {
        message[0] = 0x93;              // fixarray of 3
        message[1] = Version;           // positive fixint
        message[2] = 0xdd;              // array 32; its count follows
        BinaryPrimitives.WriteUInt32BigEndian(message[3..], 0);
    }

    /// <summary>
    /// The length of a batch whose header and events take <paramref name="used"/> bytes, padding included:
    /// rounded up to a multiple of a sixteenth of the power of two at or above it (at least 64 bytes), so the
    /// padding is under an eighth of the batch (a sixteenth on average) and there are 16 lengths per doubling.
    /// </summary>
    public static int PaddedLength(int used)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(used, HeaderLength);
        var least = used + MaxPadHeader;
        var step = Math.Max(MinPadStep, (int)(BitOperations.RoundUpToPowerOf2((uint)least) / 16));
        return (least + step - 1) / step * step;
    }

    /// <summary>
    /// Completes a batch whose header and <paramref name="count"/> events fill the first <paramref name="used"/>
    /// bytes of <paramref name="message"/>: sets the count and pads the rest of the span (whose length must be
    /// <see cref="PaddedLength"/> of <paramref name="used"/>) with a zero-filled <c>bin</c>.
    /// </summary>
    public static void Finish(Span<byte> message, int used, int count)
    {
        if (message.Length != PaddedLength(used))
        {
            throw new ArgumentException($"a batch of {used} bytes is padded to {PaddedLength(used)}, not {message.Length}", nameof(message));
        }

        BinaryPrimitives.WriteUInt32BigEndian(message[3..], (uint)count);
        var pad = message[used..];
        var room = pad.Length;
        int header;
        if (room - 2 <= byte.MaxValue)
        {
            pad[0] = 0xc4;              // bin 8
            pad[1] = (byte)(room - 2);
            header = 2;
        }
        else if (room - 3 <= ushort.MaxValue)
        {
            pad[0] = 0xc5;              // bin 16
            BinaryPrimitives.WriteUInt16BigEndian(pad[1..], (ushort)(room - 3));
            header = 3;
        }
        else
        {
            pad[0] = 0xc6;              // bin 32
            BinaryPrimitives.WriteUInt32BigEndian(pad[1..], (uint)(room - 5));
            header = 5;
        }

        pad[header..].Clear();
    }

    /// <summary>
    /// The bid events of one message of the bids topic, whichever form it has: a batch's events, or the
    /// message itself when it is a lone <see cref="BidEvent"/> (its bid id then is the message's key).
    /// </summary>
    /// <exception cref="EventFormatException">A batch that is not well formed (nothing is added), or a lone event without a key.</exception>
    public static void SplitMessage(string? key, ReadOnlyMemory<byte> value, List<BatchedBidEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (IsBatch(value.Span))
        {
            Split(value, events);
            return;
        }

        events.Clear();
        if (string.IsNullOrEmpty(key))
        {
            throw new EventFormatException("a bid event without a key (its bid id)");
        }

        events.Add(new BatchedBidEvent(key, value));
    }

    /// <summary>
    /// Splits a batch into its events (cleared first). All or nothing: a batch that is not well formed adds
    /// no event. The events' own contents are not checked here (as for a lone event, whoever reads one does).
    /// </summary>
    /// <exception cref="EventFormatException">Not a batch, or not well formed.</exception>
    public static void Split(ReadOnlyMemory<byte> batch, List<BatchedBidEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.Clear();
        try
        {
            var reader = new MessagePackReader(batch);
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 3)
            {
                throw new EventFormatException("not a bid event batch: not an array of 3");
            }

            if (reader.NextMessagePackType != MessagePackType.Integer || reader.ReadInt32() != Version)
            {
                throw new EventFormatException($"not a bid event batch of version {Version}");
            }

            var count = reader.ReadArrayHeader();
            for (var i = 0; i < count; i++)
            {
                var start = (int)reader.Consumed;
                var bidId = ReadBidId(ref reader, i);
                events.Add(new BatchedBidEvent(bidId, batch[start..(int)reader.Consumed]));
            }

            if (reader.NextMessagePackType is not (MessagePackType.Binary or MessagePackType.Nil))
            {
                throw new EventFormatException("not a bid event batch: its padding is not a bin");
            }

            reader.Skip();
            if (!reader.End)
            {
                throw new EventFormatException("not a bid event batch: bytes after its end");
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException or OverflowException)
        {
            events.Clear();
            throw new EventFormatException($"not a valid bid event batch: {e.Message}", e);
        }
        catch (EventFormatException)
        {
            events.Clear();
            throw;
        }
    }

    /// <summary>Reads one event (leaving the reader after it) and returns its bid id, its first element.</summary>
    private static string ReadBidId(ref MessagePackReader reader, int index)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            throw new EventFormatException($"event {index} of the batch is not an array");
        }

        var keys = reader.ReadArrayHeader();
        if (keys == 0 || reader.NextMessagePackType != MessagePackType.String)
        {
            throw new EventFormatException($"event {index} of the batch has no bid id");
        }

        var bidId = reader.ReadString()!;
        if (bidId.Length == 0)
        {
            throw new EventFormatException($"event {index} of the batch has an empty bid id");
        }

        for (var k = 1; k < keys; k++)
        {
            reader.Skip();
        }

        return bidId;
    }
}
