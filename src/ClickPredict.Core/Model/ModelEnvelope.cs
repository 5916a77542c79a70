using System.Buffers.Binary;
using System.IO.Hashing;

namespace ClickPredict.Core.Model;

/// <summary>
/// The frame every model file shares (the CTR model's <see cref="ModelFile"/>, the win-rate model's
/// <c>WinRateModelFile</c>): an 8-byte magic, the format version (uint16), two reserved bytes, the header
/// length H (int32), H bytes of UTF-8 JSON header, the format's own body, and an XxHash64 of every byte
/// before it. All integers little-endian. Reading checks the frame in order and throws
/// <see cref="ModelFormatException"/> naming the first problem.
/// </summary>
internal static class ModelEnvelope
{
    public const int PreambleBytes = 16;
    public const int ChecksumBytes = 8;

    /// <summary>Reads the file at <paramref name="path"/> and deserializes it; every refusal names the file.</summary>
    public static T Load<T>(string path, string what, Func<byte[], T> deserialize)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{what} file '{path}': cannot read: {e.Message}", e);
        }

        try
        {
            return deserialize(bytes);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{what} file '{path}': {e.Message}", e);
        }
    }

    /// <summary>The checksum a file ends with, as 16 lower-case hex digits (the file is not validated).</summary>
    public static string ReadChecksum(string path, string what)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length < PreambleBytes + ChecksumBytes)
            {
                throw new ModelFormatException($"{what} file '{path}': too short ({stream.Length} bytes) to be a {what} file");
            }

            Span<byte> checksum = stackalloc byte[ChecksumBytes];
            stream.Seek(-ChecksumBytes, SeekOrigin.End);
            stream.ReadExactly(checksum);
            return BinaryPrimitives.ReadUInt64LittleEndian(checksum).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{what} file '{path}': cannot read: {e.Message}", e);
        }
    }

    /// <summary>A buffer for the whole file with the preamble and header written; the body starts at <paramref name="bodyAt"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> magic, ushort version, ReadOnlySpan<byte> header, long bodyBytes, out int bodyAt)
    {
        var buffer = new byte[PreambleBytes + header.Length + bodyBytes + ChecksumBytes];
        var span = buffer.AsSpan();
        magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], version);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], header.Length);
        header.CopyTo(span[PreambleBytes..]);
        bodyAt = PreambleBytes + header.Length;
        return buffer;
    }

    /// <summary>Writes the checksum of everything before the last 8 bytes into them.</summary>
    public static void Seal(Span<byte> file) =>
        BinaryPrimitives.WriteUInt64LittleEndian(file[^ChecksumBytes..], XxHash64.HashToUInt64(file[..^ChecksumBytes]));

    /// <summary>Checks the magic, the version and the header length; returns the header length.</summary>
    public static int Open(ReadOnlySpan<byte> file, ReadOnlySpan<byte> magic, ushort version, int maxHeaderBytes, string what)
    {
        if (file.Length < magic.Length || !file[..magic.Length].SequenceEqual(magic))
        {
            throw new ModelFormatException($"not a ClickPredict {what} file (bad magic bytes)");
        }

        RequireLength(file, PreambleBytes);
        var found = BinaryPrimitives.ReadUInt16LittleEndian(file[8..]);
        if (found != version)
        {
            throw new ModelFormatException($"format version {found} is not supported (this build reads version {version})");
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(file[12..]);
        if (headerLength <= 0 || headerLength > maxHeaderBytes)
        {
            throw new ModelFormatException($"header length {headerLength} is outside 1..{maxHeaderBytes}: the file is corrupt");
        }

        return headerLength;
    }

    /// <summary>Throws when the file is shorter than <paramref name="bytes"/>.</summary>
    public static void RequireLength(ReadOnlySpan<byte> file, long bytes)
    {
        if (file.Length < bytes)
        {
            throw new ModelFormatException($"the file is truncated ({file.Length} bytes, expected {bytes})");
        }
    }

    /// <summary>Checks that the file is exactly <paramref name="expected"/> bytes and that its checksum holds.</summary>
    public static void Close(ReadOnlySpan<byte> file, long expected)
    {
        RequireLength(file, expected);
        if (file.Length > expected)
        {
            throw new ModelFormatException($"{file.Length - expected} unexpected bytes after the checksum: the file is corrupt");
        }

        var stored = BinaryPrimitives.ReadUInt64LittleEndian(file[^ChecksumBytes..]);
        var actual = XxHash64.HashToUInt64(file[..^ChecksumBytes]);
        if (stored != actual)
        {
            throw new ModelFormatException($"checksum mismatch (stored {stored:x16}, computed {actual:x16}): the file is corrupt");
        }
    }
}
