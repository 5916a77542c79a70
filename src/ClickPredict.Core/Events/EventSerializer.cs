using System.Buffers;
using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>MessagePack encoding of the event contracts, shared by the bidder (writer) and trainer (reader).</summary>
public static class EventSerializer
{
    /// <summary>Standard resolver with MessagePack's hardening for untrusted data (depth limits, collision-resistant hashing).</summary>
    public static MessagePackSerializerOptions Options { get; } =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public static byte[] Serialize<T>(T value) => MessagePackSerializer.Serialize(value, Options);

    public static void Serialize<T>(IBufferWriter<byte> writer, T value) => MessagePackSerializer.Serialize(writer, value, Options);

    public static void Serialize<T>(Stream stream, T value) => MessagePackSerializer.Serialize(stream, value, Options);

    /// <summary>Decodes one event; throws <see cref="EventFormatException"/> when the bytes are not a valid <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(bytes, Options)
                ?? throw new EventFormatException($"a null {typeof(T).Name}");
        }
        catch (MessagePackSerializationException e)
        {
            throw new EventFormatException($"not a valid {typeof(T).Name}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    public static T Deserialize<T>(in ReadOnlySequence<byte> bytes)
    {
        try
        {
            return MessagePackSerializer.Deserialize<T>(bytes, Options)
                ?? throw new EventFormatException($"a null {typeof(T).Name}");
        }
        catch (MessagePackSerializationException e)
        {
            throw new EventFormatException($"not a valid {typeof(T).Name}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }
}
