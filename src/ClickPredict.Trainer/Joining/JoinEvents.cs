using ClickPredict.Core.Events;
using MessagePack;

namespace ClickPredict.Trainer.Joining;

/// <summary>Reads the joiner's input events: what the join needs of each, checked against its key.</summary>
internal static class JoinEvents
{
    /// <summary>Applies one input event to <paramref name="state"/>; throws <see cref="EventFormatException"/> when it is malformed.</summary>
    public static JoinResult Apply(PartitionJoin state, JoinTopic topic, string? key, byte[]? value)
    {
        if (string.IsNullOrEmpty(key) || value is null)
        {
            throw new EventFormatException("no key (bid id) or no value");
        }

        return topic switch
        {
            JoinTopic.Bids => state.OnBid(key, value, ReadBidTime(value)),
            JoinTopic.Impressions => state.OnImpression(Checked(EventSerializer.Deserialize<ImpressionEvent>(value), key)),
            _ => state.OnClick(key, Checked(EventSerializer.Deserialize<ClickEvent>(value), key).TimeUnixMs),
        };
    }

    private static T Checked<T>(T value, string key)
        where T : class
    {
        var id = value switch
        {
            ImpressionEvent i => i.BidId,
            ClickEvent c => c.BidId,
            _ => key,
        };
        return string.Equals(id, key, StringComparison.Ordinal) ? value : throw new EventFormatException($"the event's bid id '{id}' is not its key '{key}'");
    }

    /// <summary>Reads <see cref="BidEvent.TimeUnixMs"/> (key 3) without decoding the rest.</summary>
    private static long ReadBidTime(byte[] raw)
    {
        try
        {
            var reader = new MessagePackReader(raw);
            if (reader.ReadArrayHeader() < 4)
            {
                throw new EventFormatException("a bid event has fewer than 4 fields");
            }

            reader.Skip();
            reader.Skip();
            reader.Skip();
            return reader.ReadInt64();
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw new EventFormatException("not a valid BidEvent: " + e.Message, e);
        }
    }
}
