using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>
/// The auction type and time of a serialized <see cref="BidEvent"/> (its keys 11 and 3), read without
/// deserializing the event: a reader that wants only first-price bids (the trainer's win-rate learner)
/// skips the others' strings and feature fields.
/// </summary>
public static class BidEventPeek
{
    private const int TimeKey = 3;
    private const int AuctionTypeKey = 11;

    /// <summary>
    /// Reads the event's auction type and bid time; false when the bytes are not an event array that holds
    /// both as integers (the caller then deserializes the event whole, which names what is wrong).
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> bidEvent, out int auctionType, out long timeUnixMs)
    {
        auctionType = 0;
        timeUnixMs = 0;
        try
        {
            var reader = new MessagePackReader(bidEvent);
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() <= AuctionTypeKey)
            {
                return false;
            }

            for (var key = 0; key <= AuctionTypeKey; key++)
            {
                if (key is TimeKey or AuctionTypeKey)
                {
                    if (reader.NextMessagePackType != MessagePackType.Integer)
                    {
                        return false;
                    }

                    if (key == TimeKey)
                    {
                        timeUnixMs = reader.ReadInt64();
                    }
                    else
                    {
                        auctionType = reader.ReadInt32();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return true;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return false;
        }
    }
}
