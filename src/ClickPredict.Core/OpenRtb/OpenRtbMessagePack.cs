using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MessagePack;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Converts an OpenRTB JSON body to the MessagePack body of the same request (objects as maps with
/// string keys, integers as integers, other numbers as float64), and a MessagePack response back to
/// JSON text. Not used when bidding: for load tools, tests and benchmarks that speak MessagePack
/// (<see cref="BidRequestMessagePackParser"/> reads what <see cref="FromJson"/> writes).
/// </summary>
public static class OpenRtbMessagePack
{
    public static byte[] FromJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        var writer = new MessagePackWriter(buffer);
        Write(ref writer, document.RootElement);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A MessagePack document as JSON text (maps become objects), to read responses in tests.</summary>
    public static string ToJson(ReadOnlyMemory<byte> msgpack) => MessagePackSerializer.ConvertToJson(msgpack);

    private static void Write(ref MessagePackWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in e.EnumerateObject())
                {
                    count++;
                }

                w.WriteMapHeader(count);
                foreach (var property in e.EnumerateObject())
                {
                    w.Write(property.Name);
                    Write(ref w, property.Value);
                }

                break;
            case JsonValueKind.Array:
                w.WriteArrayHeader(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    Write(ref w, item);
                }

                break;
            case JsonValueKind.String:
                w.Write(e.GetString());
                break;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var integer))
                {
                    w.Write(integer);
                }
                else if (e.TryGetUInt64(out var unsigned))
                {
                    w.Write(unsigned);
                }
                else
                {
                    w.Write(double.Parse(e.GetRawText(), CultureInfo.InvariantCulture));
                }

                break;
            case JsonValueKind.True:
                w.Write(true);
                break;
            case JsonValueKind.False:
                w.Write(false);
                break;
            default:
                w.WriteNil();
                break;
        }
    }
}
