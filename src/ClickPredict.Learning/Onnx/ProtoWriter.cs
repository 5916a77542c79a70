using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ClickPredict.Learning.Onnx;

/// <summary>
/// A minimal Protocol Buffers encoder: just what writing an ONNX model needs. Fields are written in
/// the order given; a nested message is encoded into its own writer and copied in behind its length.
/// Wire types (protobuf encoding spec): 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, LengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public int Length => _buffer.WrittenCount;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(_buffer.WrittenSpan);
    }

    public void Int64(int field, long value)
    {
        Tag(field, Varint);
        // Negative numbers are ten-byte two's-complement varints in int64 fields.
        RawVarint(unchecked((ulong)value));
    }

    public void Int32(int field, int value) => Int64(field, value);

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes a nested message that <paramref name="body"/> fills in.</summary>
    public void Message(int field, Action<ProtoWriter> body)
    {
        var nested = new ProtoWriter();
        body(nested);
        Tag(field, LengthDelimited);
        RawVarint((ulong)nested.Length);
        _buffer.Write(nested._buffer.WrittenSpan);
    }

    /// <summary>Little-endian floats, as ONNX's <c>raw_data</c> holds them.</summary>
    public static byte[] FloatBytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    private void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    private void RawVarint(ulong value)
    {
        // Seven bits a byte, low bits first, the high bit set on every byte but the last.
        while (value >= 0x80)
        {
            Byte((byte)(value | 0x80));
            value >>= 7;
        }

        Byte((byte)value);
    }
}
